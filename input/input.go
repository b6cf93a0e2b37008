// Package input is what the exporter knows of an input, and all it knows:
// each input (trapin/, syslogin/) is one Declaration in its own package,
// listed once in inputs/. The wiring builds and runs the inputs from the
// list; the de-duplication, the pages, the exporter-health rules and the
// health dashboard iterate over it.
package input

import (
	"github.com/alecthomas/kingpin/v2"
	"github.com/go-kit/log"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/pipeline"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/state"
)

// Declaration is one input, declared once.
type Declaration struct {
	// Origin is the input's name: the origin the de-duplication knows it
	// by, the X of the reason duplicate_of_X under which the other inputs
	// count the twins of its events, and its name on the pages.
	Origin pipeline.Origin
	// Title names what it receives on the pages and panels: "Traps".
	Title string
	// Received counts what it read, whether or not it became an event;
	// Dropped what did not become an event, by reason (a "reason" label).
	Received, Dropped metricdef.Family
	// Optional is true for an input its flags leave off by default.
	Optional bool
	// Health is what the exporter-health alerts and panels say about it.
	Health Health
	// Flags declares the input's flags on the run command and returns what
	// builds the input from them.
	Flags func(*kingpin.Application) Builder
}

// Builder builds an input from its parsed flags.
type Builder interface {
	// Enabled reports whether the flags turn the input on.
	Enabled() bool
	// New binds the input's sockets; it starts receiving at Start.
	New(Env) (Input, error)
}

// Env is what the exporter hands every input it builds.
type Env struct {
	Logger log.Logger
	Config *config.Config
	// Registerer takes the input's own counters: they are also on the
	// landing page.
	Registerer prometheus.Registerer
	// Feed is the input's way into the pipeline.
	Feed *pipeline.Feed
	// ReceiveBuffer is --udp.receive-buffer, for every UDP socket.
	ReceiveBuffer int
	// Restored is the state read at start; never nil.
	Restored *state.State
}

// Input is a running input: it starts, stops after handling what it has
// read, and takes a new configuration on reload. Events reach the
// pipeline through the Feed it was built with.
type Input interface {
	Start()
	Stop()
	// Reload takes a new configuration, or refuses it before anything
	// changed.
	Reload(cfg *config.Config) error
}

// ConfigChecker is an input that can refuse a configuration it is about
// to be given: every input checks it before any takes it, so that a
// refused reload changes nothing.
type ConfigChecker interface {
	CheckConfig(cfg *config.Config) error
}

// StateKeeper is an input with something to keep across restarts: it adds
// it to every state the exporter writes.
type StateKeeper interface {
	KeepState(*state.State)
}

// Health is what the exporter-health alerts and the health dashboard say
// about an input, beside what they say about every input alike (the
// series limit).
type Health struct {
	// Lost is the alert on what the input lost before reading it (a full
	// queue, a socket overflow): any is worth an alert.
	Lost Alert
	// Refused is the alert on what it refused (senders outside the
	// allow-list, bad credentials, data that is not its protocol): more
	// than 10 in 15 minutes.
	Refused Alert
	// Panel describes its "dropped by reason" panel.
	Panel string
}

// Alert is one exporter-health alert of an input.
type Alert struct {
	Name    string
	Comment string
	// Counts are the counters it watches, each with the reasons that count.
	Counts                            []Count
	Summary, Description, Remediation string
	// Runbook is the anchor of its runbook section.
	Runbook string
}

// Count is a counter family and the values of its reason label an alert
// watches.
type Count struct {
	Family  metricdef.Family
	Reasons []string
}
