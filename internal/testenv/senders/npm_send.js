// Sends one SNMP trap or inform with the npm net-snmp package, as a device
// would. The end-to-end tests run it with node after `npm ci` in this
// directory (scripts/test.sh does that). It exits 0 when the trap was sent
// or the inform acknowledged, 1 with the error otherwise.
//
//   node npm_send.js --target 127.0.0.1:9162 --version 3 --user noc \
//       --auth SHA256 --auth-key authpass123 --priv AES256 --priv-key privpass123 \
//       --inform --trap-oid 1.3.6.1.4.1.2011.6.122.26.6.14 \
//       --varbind 1.3.6.1.4.1.2011.6.122.26.5.11.0 u 1
"use strict";

const snmp = require("net-snmp");

// The exporter's protocol names (config file) to net-snmp's. Only AES-256
// comes in both key extensions: aes256b extends the key as the Blumenthal
// draft says (AES256), aes256r the Reeder way, as Cisco does (AES256C).
const auth = {
	"": snmp.AuthProtocols.none,
	MD5: snmp.AuthProtocols.md5,
	SHA: snmp.AuthProtocols.sha,
	SHA224: snmp.AuthProtocols.sha224,
	SHA256: snmp.AuthProtocols.sha256,
	SHA384: snmp.AuthProtocols.sha384,
	SHA512: snmp.AuthProtocols.sha512,
};
const priv = {
	"": snmp.PrivProtocols.none,
	DES: snmp.PrivProtocols.des,
	AES: snmp.PrivProtocols.aes,
	AES256: snmp.PrivProtocols.aes256b,
	AES256C: snmp.PrivProtocols.aes256r,
};
const types = {
	s: (v) => ({ type: snmp.ObjectType.OctetString, value: v }),
	u: (v) => ({ type: snmp.ObjectType.Gauge, value: Number(v) }),
	i: (v) => ({ type: snmp.ObjectType.Integer, value: Number(v) }),
	a: (v) => ({ type: snmp.ObjectType.IpAddress, value: v }),
	o: (v) => ({ type: snmp.ObjectType.OID, value: v }),
};

function fail(msg) {
	process.stderr.write("npm net-snmp: " + msg + "\n");
	process.exit(1);
}

function parse(argv) {
	const a = { version: "2c", community: "public", user: "", auth: "", authKey: "", priv: "", privKey: "",
		inform: false, timeout: 2, retries: 1, trapOid: "", varbinds: [] };
	for (let i = 0; i < argv.length; i++) {
		const next = () => {
			if (i + 1 >= argv.length) fail("missing value for " + argv[i]);
			return argv[++i];
		};
		switch (argv[i]) {
		case "--target": a.target = next(); break;
		case "--version": a.version = next(); break;
		case "--community": a.community = next(); break;
		case "--user": a.user = next(); break;
		case "--auth": a.auth = next(); break;
		case "--auth-key": a.authKey = next(); break;
		case "--priv": a.priv = next(); break;
		case "--priv-key": a.privKey = next(); break;
		case "--inform": a.inform = true; break;
		case "--timeout": a.timeout = Number(next()); break;
		case "--retries": a.retries = Number(next()); break;
		case "--trap-oid": a.trapOid = next(); break;
		case "--varbind": {
			const oid = next(), type = next(), value = next();
			if (!types[type]) fail("unknown varbind type " + type);
			a.varbinds.push(Object.assign({ oid }, types[type](value)));
			break;
		}
		default: fail("unknown argument " + argv[i]);
		}
	}
	if (!a.target || !a.trapOid) fail("--target and --trap-oid are required");
	if (!(a.auth in auth)) fail("unknown auth protocol " + a.auth);
	if (!(a.priv in priv)) fail("unknown privacy protocol " + a.priv + " (this stack has " + Object.keys(priv).join(" ") + ")");
	return a;
}

const a = parse(process.argv.slice(2));
const colon = a.target.lastIndexOf(":");
const host = a.target.slice(0, colon), port = Number(a.target.slice(colon + 1));
const options = { port, trapPort: port, timeout: a.timeout * 1000, retries: a.retries };
let session;
if (a.version === "3") {
	let level = snmp.SecurityLevel.noAuthNoPriv;
	if (a.auth) level = a.priv ? snmp.SecurityLevel.authPriv : snmp.SecurityLevel.authNoPriv;
	session = snmp.createV3Session(host, {
		name: a.user, level,
		authProtocol: auth[a.auth], authKey: a.authKey,
		privProtocol: priv[a.priv], privKey: a.privKey,
	}, options);
} else {
	session = snmp.createSession(host, a.community, Object.assign({ version: snmp.Version2c }, options));
}
session.on("error", (err) => fail(String(err)));

const done = (err) => {
	session.close();
	if (err) fail(err.message || String(err));
};
if (a.inform) {
	session.inform(a.trapOid, a.varbinds, { upTime: 4711 }, (err) => done(err));
} else {
	session.trap(a.trapOid, a.varbinds, { upTime: 4711 }, (err) => done(err));
}
