package syslogin

import (
	"errors"
	"strings"
	"testing"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
)

const negoFail = "%%01IPSEC/4/IPSECNEGOFAIL(t)[3]:OID 1.3.6.1.4.1.2011.6.122.26.6.14 IPSec tunnel negotiation fails. " +
	"(Ifindex=5, SeqNum=10, Reason=responder dh mismatch, ReasonCode=6, PeerAddress=203.0.113.9, PeerPort=500, " +
	"VsysName=public, InterfaceName=GigabitEthernet0/0/1)"

func TestParseMessage(t *testing.T) {
	tests := []struct {
		name string
		text string
		want pipeline.Event
	}{
		{"negotiation failure, trap flag and count", negoFail, pipeline.Event{
			Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail,
			Peer: "203.0.113.9", PeerPort: "500", Interface: "GigabitEthernet0/0/1", Vsys: "public",
			ReasonCode: "6", Reason: "responder_dh_mismatch", ReasonText: "responder dh mismatch", SeqNum: "10"}},
		{"without %% and version, log flag, no count",
			"IPSEC/4/IPSECNEGOFAIL(l):IPSec tunnel negotiation fails. (Ifindex=0, SeqNum=0, Reason=phase1 proposal mismatch, ReasonCode=1, PeerAddress=198.51.100.7, PeerPort=4500, VsysName=, InterfaceName=Tunnel1)",
			pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail,
				Peer: "198.51.100.7", PeerPort: "4500", Interface: "Tunnel1", ReasonCode: "1",
				Reason: "phase1_proposal_mismatch", ReasonText: "phase1 proposal mismatch", SeqNum: "0"}},
		{"bare header, no flag, no count, brackets, any order",
			"%%01IPSEC/4/IPSECNEGOFAIL: IPSec tunnel negotiation fails. (InterfaceName=[GigabitEthernet1/0/0], ReasonCode=[15], PeerAddress=[203.0.113.7], Reason=[authentication fail])",
			pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail,
				Peer: "203.0.113.7", Interface: "GigabitEthernet1/0/0", ReasonCode: "15",
				Reason: "authentication_fail", ReasonText: "authentication fail"}},
		{"count without flag", "%%01IPSEC/4/IPSECNEGOFAIL[0]:x (ReasonCode=41, PeerAddress=203.0.113.60)",
			pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail,
				Peer: "203.0.113.60", ReasonCode: "41", Reason: "ipsec_tunnel_number_reaches_limitation"}},
		{"finer text under a known code: the code is the key",
			"%%01IPSEC/4/IPSECNEGOFAIL(l)[1]:IPSec tunnel negotiation fails. (Reason=phase1 proposal encryption algorithm mismatch, ReasonCode=1, PeerAddress=203.0.113.9)",
			pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail, Peer: "203.0.113.9",
				ReasonCode: "1", Reason: "phase1_proposal_mismatch", ReasonText: "phase1 proposal encryption algorithm mismatch"}},
		{"text only: the catalogue entry of the same slug",
			"%%01IPSEC/4/IPSECNEGOFAIL(l)[1]:IPSec tunnel negotiation fails. (Reason=Responder DH mismatch, PeerAddress=203.0.113.9)",
			pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail, Peer: "203.0.113.9",
				ReasonCode: "6", Reason: "responder_dh_mismatch", ReasonText: "Responder DH mismatch"}},
		{"free text only: unknown, no code",
			"%%01IPSEC/4/IPSECNEGOFAIL(l)[1]:IPSec tunnel negotiation fails. (Reason=the moon is in the wrong phase, PeerAddress=203.0.113.9)",
			pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail, Peer: "203.0.113.9",
				Reason: mib.UnknownReason, ReasonText: "the moon is in the wrong phase"}},
		{"unknown code", "%%01IPSEC/4/IPSECNEGOFAIL(t)[9]:x (ReasonCode=99, PeerAddress=203.0.113.13)",
			pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail, Peer: "203.0.113.13",
				ReasonCode: "99", Reason: mib.UnknownReason}},
		{"every field missing", "%%01IPSEC/4/IPSECNEGOFAIL(t)[3]:OID 1.3.6.1.4.1.2011.6.122.26.6.14 IPSec tunnel negotiation fails.",
			pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail, Reason: mib.UnknownReason}},
		{"a number that is not one is not trusted, leading zeros go",
			"%%01IPSEC/4/IPSECNEGOFAIL(t)[3]:x (ReasonCode=006, PeerPort=five hundred, SeqNum=-1, PeerAddress=203.0.113.9)",
			pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail, Peer: "203.0.113.9",
				ReasonCode: "6", Reason: "responder_dh_mismatch"}},
		{"values with commas and parentheses",
			"%%01IPSEC/4/IPSECNEGOFAIL(t)[3]:x (Reason=[mismatch (phase 1), retry], ReasonCode=1, InterfaceName=Gi0/0/1 (uplink), PeerAddress=203.0.113.9)",
			pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail, Peer: "203.0.113.9",
				Interface: "Gi0/0/1 (uplink)", ReasonCode: "1", Reason: "phase1_proposal_mismatch", ReasonText: "mismatch (phase 1), retry"}},
		{"a repeated field: the first wins, as in traps",
			"%%01IPSEC/4/IPSECNEGOFAIL(t)[3]:x (PeerAddress=203.0.113.9, ReasonCode=2, PeerAddress=192.0.2.66)",
			pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail, Peer: "203.0.113.9",
				ReasonCode: "2", Reason: "phase2_proposal_or_pfs_mismatch"}},
		{"fields without parentheses", "IPSEC/4/IPSECNEGOFAIL:IPSec tunnel negotiation fails. ReasonCode=7, PeerAddress=203.0.113.10.",
			pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail, Peer: "203.0.113.10",
				ReasonCode: "7", Reason: "initiator_dh_mismatch"}},
		{"after a tag (logger, a relay)", "root: " + negoFail, pipeline.Event{
			Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail,
			Peer: "203.0.113.9", PeerPort: "500", Interface: "GigabitEthernet0/0/1", Vsys: "public",
			ReasonCode: "6", Reason: "responder_dh_mismatch", ReasonText: "responder dh mismatch", SeqNum: "10"}},

		{"tunnel start", "%%01IPSEC/4/IPSECTUNNELSTART(t)[5]:OID 1.3.6.1.4.1.2011.6.122.26.6.1 The IPSec tunnel is established. " +
			"(Ifindex=3, SeqNum=10, TunnelIndex=1, RuleNum=5, DstIP=203.0.113.20, InsideIP=0.0.0.0, RemotePort=500, CpuID=0, SrcIP=192.0.2.1, " +
			"FlowInfo=[10.1.0.0/16 - 10.2.0.0/16], LifeSize=1843200, LifeTime=3600, VsysName=public, InterfaceName=GigabitEthernet0/0/1, Role=initiator)",
			pipeline.Event{Kind: mib.KindTunnelUp, Notification: mib.NotifTunnelStart, Peer: "203.0.113.20", PeerPort: "500",
				Interface: "GigabitEthernet0/0/1", Vsys: "public", SeqNum: "10", LocalAddress: "192.0.2.1"}},
		{"tunnel stop", "%%01IPSEC/4/IPSECTUNNELSTOP(t)[6]:OID 1.3.6.1.4.1.2011.6.122.26.6.2 The IPSec tunnel is deleted. " +
			"(Ifindex=3, PolicyNum=10, DstIP=203.0.113.20, RemotePort=500, OfflineReason=dpd timeout, VsysName=public, InterfaceName=GigabitEthernet0/0/1)",
			pipeline.Event{Kind: mib.KindTunnelDown, Notification: mib.NotifTunnelStop, Peer: "203.0.113.20", PeerPort: "500",
				Interface: "GigabitEthernet0/0/1", Vsys: "public", SeqNum: "10", Reason: "dpd_timeout", ReasonText: "dpd timeout"}},
		{"tunnel stop, rekey", "%%01IPSEC/4/IPSECTUNNELSTOP(l):x (DstIP=203.0.113.20, OfflineReason=[phase2 sa replace])",
			pipeline.Event{Kind: mib.KindTunnelDown, Notification: mib.NotifTunnelStop, Peer: "203.0.113.20",
				Reason: "phase2_sa_replace", ReasonText: "phase2 sa replace"}},
		{"tunnel stop, reason outside the catalogue", "%%01IPSEC/4/IPSECTUNNELSTOP(l):x (DstIP=203.0.113.20, OfflineReason=cosmic ray)",
			pipeline.Event{Kind: mib.KindTunnelDown, Notification: mib.NotifTunnelStop, Peer: "203.0.113.20",
				Reason: mib.OtherOfflineReason, ReasonText: "cosmic ray"}},
		{"tunnel stop without a reason", "%%01IPSEC/4/IPSECTUNNELSTOP(l):x (DstIP=203.0.113.20)",
			pipeline.Event{Kind: mib.KindTunnelDown, Notification: mib.NotifTunnelStop, Peer: "203.0.113.20"}},
		{"teardown", "IPSEC-VPN/5/IPSEC_TUNNEL_TEARED_DOWN: An IPSec tunnel is teared down. (PolicyName=map1, IfIndex=3, SeqNum=10, " +
			"RuleNum=5, SrcIP=192.0.2.1, DstIP=203.0.113.20, InboundSPI=0x1a2b3c4d, Slot=1, CpuID=0, OfflineReason=dpd timeout, State=Normal)",
			pipeline.Event{Kind: mib.KindTunnelDown, Notification: mib.NotifTunnelStop, Peer: "203.0.113.20",
				SeqNum: "10", PolicyName: "map1", LocalAddress: "192.0.2.1", Reason: "dpd_timeout", ReasonText: "dpd timeout"}},
		{"teardown, bracketed, %%", "%%01IPSEC-VPN/5/IPSEC_TUNNEL_TEARED_DOWN(l)[12]:An IPSec tunnel is teared down. (PolicyName=[map1], " +
			"SrcIP=[192.0.2.1], DstIP=[203.0.113.20], OfflineReason=[config modify or manual offline], State=[Normal])",
			pipeline.Event{Kind: mib.KindTunnelDown, Notification: mib.NotifTunnelStop, Peer: "203.0.113.20",
				PolicyName: "map1", LocalAddress: "192.0.2.1", Reason: "config_modify_or_manual_offline", ReasonText: "config modify or manual offline"}},
		{"teardown on the standby device: counted by name only",
			"IPSEC-VPN/5/IPSEC_TUNNEL_TEARED_DOWN: An IPSec tunnel is teared down. (DstIP=203.0.113.20, OfflineReason=receive backup delete info, State=Backup)",
			pipeline.Event{Kind: mib.KindNotification, Notification: mib.NotifTunnelStop, Peer: "203.0.113.20",
				ReasonText: "receive backup delete info"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMessage(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("ParseMessage(%q)\n got %+v\nwant %+v", tt.text, got, tt.want)
			}
		})
	}
}

// TestParseMessageLayouts holds the parser to the layouts Huawei's
// references and public log parsers show beyond the basic one; each case
// names where its layout comes from (docs/syslog.md, "Message layouts").
func TestParseMessageLayouts(t *testing.T) {
	nego := func(peer, port, vsys string) pipeline.Event {
		return pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail,
			Peer: peer, PeerPort: port, Vsys: vsys, ReasonCode: "6", Reason: "responder_dh_mismatch"}
	}
	const fields = "(Ifindex=5, ReasonCode=6, PeerAddress=203.0.113.9)"
	tests := []struct {
		name string
		text string
		want pipeline.Event
	}{
		// USG alarm references (support.huawei.com EDOC1100127008, the
		// a10.tagan.ru mirror): module IPSEC-VPN, ConnID after the trap's
		// fields.
		{"IPSEC-VPN module, ConnID", "IPSEC-VPN/4/IPSECNEGOFAIL: OID 1.3.6.1.4.1.2011.6.122.26.6.14 IPSec tunnel negotiation fails. " +
			"(Ifindex=5, SeqNum=10, Reason=phase1 proposal mismatch, ReasonCode=1, PeerAddress=203.0.113.9, PeerPort=500, " +
			"VsysName=public, InterfaceName=GigabitEthernet1/0/1, ConnID=4660)",
			pipeline.Event{Kind: mib.KindNegotiationFailure, Notification: mib.NotifNegoFail, Peer: "203.0.113.9", PeerPort: "500",
				Interface: "GigabitEthernet1/0/1", Vsys: "public", SeqNum: "10", ReasonCode: "1", Reason: "phase1_proposal_mismatch",
				ReasonText: "phase1 proposal mismatch"}},
		{"IPSEC-VPN module, tunnel start with SlotID and Role", "IPSEC-VPN/4/IPSECTUNNELSTART: OID 1.3.6.1.4.1.2011.6.122.26.6.1 The IPSec tunnel is established. " +
			"(Ifindex=5, SeqNum=10,TunnelIndex=1, RuleNum=5, DstIP=203.0.113.20, InsideIP=0.0.0.0, RemotePort=500, CpuID=0, SrcIP=192.0.2.1, " +
			"FlowInfo=[10.1.0.0/16 - 10.2.0.0/16], LifeSize=1843200, LifeTime=3600, VsysName=public, InterfaceName=GigabitEthernet1/0/1, SlotID=1, Role=initiator)",
			pipeline.Event{Kind: mib.KindTunnelUp, Notification: mib.NotifTunnelStart, Peer: "203.0.113.20", PeerPort: "500",
				Interface: "GigabitEthernet1/0/1", Vsys: "public", SeqNum: "10", LocalAddress: "192.0.2.1"}},
		// Huawei's alarm reference ALM-4285734913 (support.huaweicloud.com):
		// the stop log with SeqNum (not PolicyNum), no space after its comma.
		{"tunnel stop with SeqNum", "%%01IPSEC/4/IPSECTUNNELSTOP(t)[6]:OID 1.3.6.1.4.1.2011.6.122.26.6.2 The IPSec tunnel is deleted. " +
			"(Ifindex=5, SeqNum=10,TunnelIndex=1, RuleNum=5, DstIP=203.0.113.20, InsideIP=0.0.0.0, RemotePort=500, CpuID=0, SrcIP=192.0.2.1, " +
			"FlowInfo=[10.1.0.0/16 - 10.2.0.0/16], OfflineReason=dpd timeout, VsysName=public, InterfaceName=GigabitEthernet1/0/1, SlotID=1)",
			pipeline.Event{Kind: mib.KindTunnelDown, Notification: mib.NotifTunnelStop, Peer: "203.0.113.20", PeerPort: "500",
				Interface: "GigabitEthernet1/0/1", Vsys: "public", SeqNum: "10", LocalAddress: "192.0.2.1",
				Reason: "dpd_timeout", ReasonText: "dpd timeout"}},
		{"IPSEC-VPN module, tunnel stop", "IPSEC-VPN/4/IPSECTUNNELSTOP: OID 1.3.6.1.4.1.2011.6.122.26.6.2 The IPSec tunnel is deleted. " +
			"(Ifindex=5, SeqNum=10, DstIP=203.0.113.20, OfflineReason=peer request)",
			pipeline.Event{Kind: mib.KindTunnelDown, Notification: mib.NotifTunnelStop, Peer: "203.0.113.20", SeqNum: "10",
				Reason: "peer_request", ReasonText: "peer request"}},
		// NE and ME routers (VRP V8) put VS=...-CID=...; before the text;
		// some write only CID=...; (public log-parser test strings).
		{"VS and CID prefix", "%%01IPSEC/4/IPSECNEGOFAIL(t):VS=Admin-VS-CID=0x81d80420-OID=1.3.6.1.4.1.2011.6.122.26.6.14;" +
			"IPSec tunnel negotiation fails. " + fields, nego("203.0.113.9", "", "")},
		{"VS and CID prefix, fields without parentheses", "%%01IPSEC/4/IPSECNEGOFAIL(t):VS=Admin-VS-CID=0x81d80420-OID=1.3.6.1.4.1.2011.6.122.26.6.14;" +
			"IPSec tunnel negotiation fails. ReasonCode=6, PeerAddress=203.0.113.9.", nego("203.0.113.9", "", "")},
		{"VS prefix of an alarm clear", "%%01IPSEC/4/IPSECNEGOFAIL(l):VS=Admin-VS-CID=0x80c4046e-alarmID=0x09e62006-clearType=service_resume;" +
			"ReasonCode=6, PeerAddress=203.0.113.9", nego("203.0.113.9", "", "")},
		{"CID prefix", "%%01IPSEC/4/IPSECNEGOFAIL(t):CID=0x80cb000c-OID=1.3.6.1.4.1.2011.6.122.26.6.14;ReasonCode=6, PeerAddress=203.0.113.9",
			nego("203.0.113.9", "", "")},
		{"flag after a space", "%%01IPSEC/4/IPSECNEGOFAIL (t):VS=Admin-VS-CID=0x81d80420-OID=1.3.6.1.4.1.2011.6.122.26.6.14;x " + fields,
			nego("203.0.113.9", "", "")},
		// S-series switches: slot=N; before the text.
		{"slot prefix", "IPSEC/4/IPSECNEGOFAIL:slot=1;IPSec tunnel negotiation fails. " + fields, nego("203.0.113.9", "", "")},
		{"slot prefix, fields without parentheses", "IPSEC/4/IPSECNEGOFAIL:slot=1;ReasonCode=6, PeerAddress=203.0.113.9", nego("203.0.113.9", "", "")},
		// Some firewalls: Slot=N,Vcpu=N; before the OID.
		{"Slot and Vcpu prefix", "IPSEC/4/IPSECNEGOFAIL:Slot=2,Vcpu=0;OID 1.3.6.1.4.1.2011.6.122.26.6.14 IPSec tunnel negotiation fails. " + fields,
			nego("203.0.113.9", "", "")},
		{"Slot and Vcpu prefix, fields without parentheses", "IPSEC/4/IPSECNEGOFAIL:Slot=2,Vcpu=0;ReasonCode=6, PeerAddress=203.0.113.9",
			nego("203.0.113.9", "", "")},
		// USG firewalls: "Vsys NAME:" before the text (public SIEM parsers
		// for USG6000), the vsys label when the fields name none.
		{"Vsys prefix", "%%01IPSEC/4/IPSECNEGOFAIL(l):Vsys public:IPSec tunnel negotiation fails. " + fields, nego("203.0.113.9", "", "public")},
		{"Vsys prefix, VsysName field wins", "%%01IPSEC/4/IPSECNEGOFAIL(l):Vsys public:x (ReasonCode=6, PeerAddress=203.0.113.9, VsysName=vsys2)",
			nego("203.0.113.9", "", "vsys2")},
		{"Vsys prefix, teardown", "%%01IPSEC-VPN/5/IPSEC_TUNNEL_TEARED_DOWN(l):Vsys vsys1:An IPSec tunnel is teared down. " +
			"(PolicyName=map1, DstIP=203.0.113.20, OfflineReason=dpd timeout, State=Normal)",
			pipeline.Event{Kind: mib.KindTunnelDown, Notification: mib.NotifTunnelStop, Peer: "203.0.113.20", Vsys: "vsys1",
				PolicyName: "map1", Reason: "dpd_timeout", ReasonText: "dpd timeout"}},
		// The same parsers read PeerAddress with its port attached.
		{"peer with its port", "IPSEC/4/IPSECNEGOFAIL:x (ReasonCode=6, PeerAddress=203.0.113.9:4500)", nego("203.0.113.9", "4500", "")},
		{"peer with its port, PeerPort wins", "IPSEC/4/IPSECNEGOFAIL:x (ReasonCode=6, PeerAddress=203.0.113.9:4500, PeerPort=500)",
			nego("203.0.113.9", "500", "")},
		{"IPv6 peer is not split", "IPSEC/4/IPSECNEGOFAIL:x (ReasonCode=6, PeerAddress=2001:db8::9)", nego("2001:db8::9", "", "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMessage(tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("ParseMessage(%q)\n got %+v\nwant %+v", tt.text, got, tt.want)
			}
		})
	}
}

func TestStripPrefix(t *testing.T) {
	tests := []struct{ in, rest, vsys string }{
		{"VS=Admin-VS-CID=0x81d80420-OID=1.3.6.1.4.1.2011.6.8.2.2.0.3;Fail to alloc.", "Fail to alloc.", ""},
		{"slot=1; text", "text", ""},
		{"Slot=2,Vcpu=0;OID 1.3.6.1.4.1.2011.5.25.41.4.2 The CRC error resume.", "OID 1.3.6.1.4.1.2011.5.25.41.4.2 The CRC error resume.", ""},
		{"Vsys public:text", "text", "public"},
		// Not prefixes: left for the field reader.
		{"Slot=1, CpuID=0", "Slot=1, CpuID=0", ""},
		{"slot=;x", "slot=;x", ""},
		{"Slot=2,Vcpu=;x", "Slot=2,Vcpu=;x", ""},
		{"VS=Admin;x", "VS=Admin;x", ""},
		{"VS=a b-CID=0x1;x", "VS=a b-CID=0x1;x", ""},
		{"Vsys :x", "Vsys :x", ""},
		{"Vsys my vsys:x", "Vsys my vsys:x", ""},
		{"An IPSec tunnel is teared down.", "An IPSec tunnel is teared down.", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		rest, vsys := stripPrefix(tt.in)
		if rest != tt.rest || vsys != tt.vsys {
			t.Errorf("stripPrefix(%q) = %q, %q; want %q, %q", tt.in, rest, vsys, tt.rest, tt.vsys)
		}
	}
}

func TestParseMessageIgnored(t *testing.T) {
	tests := []struct {
		name, text string
		want       error
	}{
		{"empty", "", ErrNotHuawei},
		{"plain text", "the quick brown fox", ErrNotHuawei},
		{"a path is not a header", "opened /var/4/log: ok", ErrNotHuawei},
		{"severity out of range", "%%01IPSEC/9/IPSECNEGOFAIL(t)[3]:x", ErrNotHuawei},
		{"no colon", "%%01IPSEC/4/IPSECNEGOFAIL(t)[3] x", ErrNotHuawei},
		{"count not a number", "%%01IPSEC/4/IPSECNEGOFAIL(t)[x]:x", ErrNotHuawei},
		{"header inside a word", "x%%01IPSEC/4/IPSECNEGOFAIL:x", ErrNotHuawei},
		{"header too far in", strings.Repeat("a ", 200) + negoFail, ErrNotHuawei},
		{"another module", "%%01IFNET/4/LINK_STATE(l)[0]:The line protocol IP on the interface GigabitEthernet0/0/1 has entered the UP state.", ErrOtherMessage},
		{"another IPSec message", "%%01IPSEC/4/IPSECPOLICYADD(t)[1]:An IPSec policy is added. (SeqNum=10, PolicyName=map1, VsysName=public)", ErrOtherMessage},
		{"router family", "IPSEC/4/hwIPSecNegotiationFail_active: IPSec tunnel negotiation fails.", ErrOtherMessage},
		// USG firewalls log IKE events under module IKE (public SIEM parsers
		// for USG6000 show them: a Vsys prefix, PeerAddress, PeerPort,
		// Reason), but no public reference names their briefs or says which
		// are failures: they are not counted (docs/syslog.md, "Message layouts").
		{"IKE module", "%%01IKE/4/IKE_ANY_BRIEF(l):Vsys public:An IKE event. (PeerAddress=203.0.113.9:500, PeerPort=500, Reason=phase1 proposal mismatch)", ErrOtherMessage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := ParseMessage(tt.text)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseMessage(%q) = %+v, %v; want %v", tt.text, ev, err, tt.want)
			}
		})
	}
}

func TestFindHeader(t *testing.T) {
	tests := []struct {
		text string
		want Header
		desc string
	}{
		{negoFail, Header{Module: "IPSEC", Severity: 4, Brief: "IPSECNEGOFAIL", Flag: 't', Count: 3}, "OID 1.3.6.1.4.1.2011.6.122.26.6.14 IPSec"},
		{"IPSEC-VPN/5/IPSEC_TUNNEL_TEARED_DOWN: An IPSec", Header{Module: "IPSEC-VPN", Severity: 5, Brief: "IPSEC_TUNNEL_TEARED_DOWN", Count: -1}, "An IPSec"},
		{"01IPSEC/4/IPSECTUNNELSTART[0]:x", Header{Module: "IPSEC", Severity: 4, Brief: "IPSECTUNNELSTART", Count: 0}, "x"},
		{"%%02IPSEC/6/IPSECTUNNELSTOP(s):", Header{Module: "IPSEC", Severity: 6, Brief: "IPSECTUNNELSTOP", Flag: 's', Count: -1}, ""},
		{"%%01IPSEC/4/IPSECNEGOFAIL (t):VS=Admin", Header{Module: "IPSEC", Severity: 4, Brief: "IPSECNEGOFAIL", Flag: 't', Count: -1}, "VS=Admin"},
		{"IPSEC/4/IPSECNEGOFAIL (x y):z", Header{}, ""},
	}
	for _, tt := range tests {
		h, desc, ok := FindHeader(tt.text)
		if tt.want.Module == "" {
			if ok {
				t.Errorf("FindHeader(%q) = %+v, want no header", tt.text, h)
			}
			continue
		}
		if !ok || h != tt.want || !strings.HasPrefix(desc, tt.desc) {
			t.Errorf("FindHeader(%q) = %+v, %q, %v; want %+v, %q...", tt.text, h, desc, ok, tt.want, tt.desc)
		}
	}
}

// TestParseMessageBounds holds values from the network to the trap
// decoder's bounds: labels 128 bytes, reason text 256, valid UTF-8.
func TestParseMessageBounds(t *testing.T) {
	long := strings.Repeat("é", 300)
	ev, err := ParseMessage("IPSEC/4/IPSECNEGOFAIL:x (PeerAddress=" + long + ", InterfaceName=\xff\xfe, Reason=" + long + ")")
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Peer) > 128 || len(ev.ReasonText) > 256 || !strings.HasPrefix(long, ev.Peer) || !strings.HasPrefix(long, ev.ReasonText) {
		t.Errorf("peer %d bytes, reason text %d bytes", len(ev.Peer), len(ev.ReasonText))
	}
	if ev.Interface != "\uFFFD" {
		t.Errorf("invalid UTF-8 interface = %q", ev.Interface)
	}
	if ev.Reason != mib.UnknownReason {
		t.Errorf("reason = %q", ev.Reason)
	}
	// Invalid bytes inside a value at the bound: replaced before it is
	// cut, so the replacement cannot push it past 128 bytes (found by the
	// fuzzer).
	ev, err = ParseMessage("IPSEC/4/IPSECTUNNELSTOP:InterfaceName=" + strings.Repeat("0", 57) + "\xfa0\x91" + strings.Repeat("0", 70))
	if err != nil {
		t.Fatal(err)
	}
	if len(ev.Interface) > 128 {
		t.Errorf("interface of %d bytes: %q", len(ev.Interface), ev.Interface)
	}
}
