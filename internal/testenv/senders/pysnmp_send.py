"""Sends one SNMP trap or inform with pysnmp, as a device would.

The end-to-end tests run it with Debian's python3-pysnmp4 (pysnmp 4.4, the
synchronous hlapi) at /usr/bin/python3. It exits 0 when the trap was sent or
the inform acknowledged, 1 with the error otherwise.

  pysnmp_send.py --target 127.0.0.1:9162 --version 3 --user noc \\
      --auth SHA256 --auth-key authpass123 --priv AES256 --priv-key privpass123 \\
      --inform --trap-oid 1.3.6.1.4.1.2011.6.122.26.6.14 \\
      --varbind 1.3.6.1.4.1.2011.6.122.26.5.11.0 u 1
"""

import argparse
import sys

from pysnmp.hlapi import (
    CommunityData,
    ContextData,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    UsmUserData,
    sendNotification,
    usmAesBlumenthalCfb192Protocol,
    usmAesBlumenthalCfb256Protocol,
    usmAesCfb128Protocol,
    usmAesCfb192Protocol,
    usmAesCfb256Protocol,
    usmDESPrivProtocol,
    usmHMAC128SHA224AuthProtocol,
    usmHMAC192SHA256AuthProtocol,
    usmHMAC256SHA384AuthProtocol,
    usmHMAC384SHA512AuthProtocol,
    usmHMACMD5AuthProtocol,
    usmHMACSHAAuthProtocol,
    usmNoAuthProtocol,
    usmNoPrivProtocol,
)
from pysnmp.proto.rfc1902 import (
    Gauge32,
    Integer32,
    IpAddress,
    ObjectIdentifier,
    OctetString,
    TimeTicks,
)

# The exporter's protocol names (config file) to pysnmp's. pysnmp's
# "Blumenthal" AES-192/256 extend the key as the draft says (the exporter's
# AES192/AES256); its plain usmAesCfb192/256 extend it the Reeder way, as
# Cisco does (AES192C/AES256C).
AUTH = {
    "": usmNoAuthProtocol,
    "MD5": usmHMACMD5AuthProtocol,
    "SHA": usmHMACSHAAuthProtocol,
    "SHA224": usmHMAC128SHA224AuthProtocol,
    "SHA256": usmHMAC192SHA256AuthProtocol,
    "SHA384": usmHMAC256SHA384AuthProtocol,
    "SHA512": usmHMAC384SHA512AuthProtocol,
}
PRIV = {
    "": usmNoPrivProtocol,
    "DES": usmDESPrivProtocol,
    "AES": usmAesCfb128Protocol,
    "AES192": usmAesBlumenthalCfb192Protocol,
    "AES256": usmAesBlumenthalCfb256Protocol,
    "AES192C": usmAesCfb192Protocol,
    "AES256C": usmAesCfb256Protocol,
}
TYPES = {
    "s": lambda v: OctetString(v),
    "u": lambda v: Gauge32(int(v)),
    "i": lambda v: Integer32(int(v)),
    "a": lambda v: IpAddress(v),
    "o": lambda v: ObjectIdentifier(v),
}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--target", required=True, help="HOST:PORT")
    p.add_argument("--version", choices=["2c", "3"], default="2c")
    p.add_argument("--community", default="public")
    p.add_argument("--user", default="")
    p.add_argument("--auth", choices=sorted(AUTH), default="")
    p.add_argument("--auth-key", default=None)
    p.add_argument("--priv", choices=sorted(PRIV), default="")
    p.add_argument("--priv-key", default=None)
    p.add_argument("--inform", action="store_true")
    p.add_argument("--timeout", type=float, default=2)
    p.add_argument("--retries", type=int, default=1)
    p.add_argument("--trap-oid", required=True)
    p.add_argument("--varbind", nargs=3, action="append", default=[], metavar=("OID", "TYPE", "VALUE"))
    a = p.parse_args()

    if a.version == "2c":
        auth = CommunityData(a.community, mpModel=1)
    else:
        auth = UsmUserData(
            a.user,
            authKey=a.auth_key or None,
            privKey=a.priv_key or None,
            authProtocol=AUTH[a.auth],
            privProtocol=PRIV[a.priv],
        )
    host, port = a.target.rsplit(":", 1)
    varbinds = [
        ObjectType(ObjectIdentity("1.3.6.1.2.1.1.3.0"), TimeTicks(4711)),
        ObjectType(ObjectIdentity("1.3.6.1.6.3.1.1.4.1.0"), ObjectIdentifier(a.trap_oid)),
    ]
    for oid, typ, value in a.varbind:
        varbinds.append(ObjectType(ObjectIdentity(oid), TYPES[typ](value)))

    error, status, index, _ = next(
        sendNotification(
            SnmpEngine(),
            auth,
            UdpTransportTarget((host, int(port)), timeout=a.timeout, retries=a.retries),
            ContextData(),
            "inform" if a.inform else "trap",
            varbinds,
        )
    )
    if error:
        print("pysnmp: %s" % error, file=sys.stderr)
        return 1
    if status:
        print("pysnmp: %s at %s" % (status.prettyPrint(), index), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
