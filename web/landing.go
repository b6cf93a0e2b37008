package web

import (
	"net/http"
	"runtime"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/prometheus/common/version"
)

// The self-metrics the landing page reads.
var (
	lastReloadMetric = metricdef.ConfigLastReloadSuccessful.Name
	reloadsMetric    = metricdef.ConfigReloads.Name
	receivedMetric   = metricdef.TrapPacketsReceived.Name
	droppedMetric    = metricdef.TrapPacketsDropped.Name
)

type buildInfo struct {
	Version, Revision, Branch, BuildUser, BuildDate, GoVersion, Platform string
}

type landingPage struct {
	MetricsPath string
	ConfigFile  string
	// ReloadKnown is false when the reload gauge is not registered.
	ReloadKnown, ReloadOK           bool
	ReloadSuccesses, ReloadFailures float64
	Lifecycle                       bool
	Received, Dropped               float64
	DroppedBy                       map[string]float64
	EventsHeld, EventsKept          int
	Build                           buildInfo
}

func (p *Pages) landing(w http.ResponseWriter, r *http.Request) {
	data := landingPage{
		MetricsPath: p.opts.MetricsPath, ConfigFile: p.opts.ConfigFile, Lifecycle: p.opts.Lifecycle,
		EventsHeld: len(p.opts.Recent.Last(0)), EventsKept: p.opts.EventsKept,
		DroppedBy: map[string]float64{},
		Build: buildInfo{
			Version: version.Version, Revision: version.GetRevision(), Branch: version.Branch,
			BuildUser: version.BuildUser, BuildDate: version.BuildDate, GoVersion: version.GoVersion,
			Platform: runtime.GOOS + "/" + runtime.GOARCH,
		},
	}
	families, _ := p.opts.Gatherer.Gather()
	for _, mf := range families {
		for _, m := range mf.GetMetric() {
			switch mf.GetName() {
			case lastReloadMetric:
				data.ReloadKnown, data.ReloadOK = true, m.GetGauge().GetValue() == 1
			case reloadsMetric:
				switch labelsOf(m)["result"] {
				case "success":
					data.ReloadSuccesses = m.GetCounter().GetValue()
				case "failure":
					data.ReloadFailures = m.GetCounter().GetValue()
				}
			case receivedMetric:
				data.Received += m.GetCounter().GetValue()
			case droppedMetric:
				if v := m.GetCounter().GetValue(); v > 0 {
					data.Dropped += v
					data.DroppedBy[labelsOf(m)["reason"]] = v
				}
			}
		}
	}
	p.render(w, r, http.StatusOK, "landing.html", page{Title: "ipsec_trap_exporter", Nav: "home", Data: data})
}
