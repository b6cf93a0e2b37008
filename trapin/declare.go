package trapin

import (
	"strconv"

	"github.com/alecthomas/kingpin/v2"
	"github.com/go-kit/log/level"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/input"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/state"
)

// Origin is the trap input's name (see input.Declaration.Origin).
const Origin pipeline.Origin = "trap"

// Declaration is the trap input, as the exporter knows it.
var Declaration = input.Declaration{
	Origin:   Origin,
	Title:    "Traps",
	Received: metricdef.TrapPacketsReceived,
	Dropped:  metricdef.TrapPacketsDropped,
	Flags:    addFlags,
	Health: input.Health{
		Lost: input.Alert{
			Name:        "IPSecTrapsDropped",
			Comment:     "A full queue or a kernel socket overflow loses traps silently on the device's side: any is worth fixing.",
			Counts:      []input.Count{{Family: metricdef.TrapPacketsDropped, Reasons: reasonNames(DropQueueFull, pipeline.DropSocketOverflow)}},
			Summary:     "Trap exporter {{ $labels.instance }} drops traps ({{ $labels.reason }})",
			Description: `{{ $labels.instance }} dropped {{ $value | printf "%.0f" }} traps in the last 5 minutes because of {{ $labels.reason }}.`,
			Remediation: "queue_full means traps arrive faster than the exporter decodes them, socket_overflow that the kernel's receive buffer overflowed before the exporter read it. Give the exporter more CPU, raise net.core.rmem_max so it gets its receive buffer, and look for a trap storm (" + metricdef.TrapPacketsReceived.Name + ").",
			Runbook:     "traps-dropped",
		},
		Refused: input.Alert{
			Name:    "IPSecTrapsRejected",
			Comment: "A few bad packets happen (a scanner, a device being reconfigured); more than 10 in 15 minutes is a device with the wrong community or keys, or someone trying.",
			Counts: []input.Count{{Family: metricdef.TrapPacketsDropped, Reasons: reasonNames(
				pipeline.DropMalformed, DropAuthFailure, DropUnknownCommunity, DropNotInTimeWindow, DropUnknownEngineID)}},
			Summary:     "Trap exporter {{ $labels.instance }} rejects traps ({{ $labels.reason }})",
			Description: `{{ $labels.instance }} rejected {{ $value | printf "%.0f" }} packets in the last 15 minutes as {{ $labels.reason }}.`,
			Remediation: "auth_failure and unknown_community mean a sender whose SNMPv3 user, keys or community do not match the exporter's config file, or an attacker; malformed means packets that are not SNMP; not_in_time_window means SNMPv3 informs outside the time window (a replay, or a sender that keeps failing to resynchronise its clock with this engine); unknown_engine_id means informs keyed for another engine ID (set the device's inform target to this exporter's engine_id). Find the sender in the exporter's debug log and fix its trap target configuration, or block it.",
			Runbook:     "traps-rejected",
		},
		Panel: "Packets per second that did not become an event, per instance and reason (malformed, unknown_community, auth_failure, queue_full, socket_overflow, series_limit, ...). Nothing is dropped silently.",
	},
}

func reasonNames(reasons ...pipeline.DropReason) []string {
	out := make([]string, len(reasons))
	for i, r := range reasons {
		out[i] = string(r)
	}
	return out
}

// flags are the trap input's flags; --udp.receive-buffer is every UDP
// input's (input.Env).
type flags struct {
	addresses   *[]string
	communities *[]string
	queueSize   *int
	workers     *int
}

func addFlags(app *kingpin.Application) input.Builder {
	return &flags{
		addresses:   app.Flag("trap.listen-address", "UDP address to receive traps on. Repeatable. Ports below 1024 need root or CAP_NET_BIND_SERVICE.").Default(":162").Strings(),
		communities: app.Flag("trap.community", "SNMPv1/v2c community to accept. Repeatable. Ignored when the config file lists communities.").Default("public").Strings(),
		queueSize:   app.Flag("trap.queue-size", "Datagrams that may wait for a decoder; beyond it packets are dropped and counted as queue_full.").Default(strconv.Itoa(DefaultQueueSize)).Int(),
		workers:     app.Flag("trap.decoders", "Decode goroutines; 0 means one per CPU.").Default("0").Int(),
	}
}

// Enabled is always true: the trap input is the exporter's first job.
func (f *flags) Enabled() bool { return true }

// New builds the trap input: a new SNMPv3 engine incarnation (RFC 3414
// 2.2.2) one boot after the restored one, and the superseding devices the
// last run saw.
func (f *flags) New(env input.Env) (input.Input, error) {
	opts := Options{
		ListenAddresses: *f.addresses,
		ReceiveBuffer:   env.ReceiveBuffer,
		QueueSize:       *f.queueSize,
		Workers:         *f.workers,
		Communities:     *f.communities,
		EngineBoots:     state.NextEngineBoots(env.Restored.EngineBoots),
		Superseding:     NewSuperseding(),
	}
	for name, devices := range env.Restored.Superseding {
		for _, device := range devices {
			opts.Superseding.Remember(name, device)
		}
	}
	level.Info(env.Logger).Log("msg", "SNMPv3 engine", "engine_boots", opts.EngineBoots)
	return NewFromConfig(env.Logger, opts, env.Config, NewSelfMetrics(env.Registerer), env.Feed)
}

// KeepState adds what the trap input cannot learn again to the state
// written: its engine boots and the superseding devices.
func (r *Input) KeepState(st *state.State) {
	st.EngineBoots = r.engine.boots
	st.Superseding = r.superseding.Devices()
}
