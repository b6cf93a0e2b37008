package alerts

import (
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// The objectives of slo.go as specifications other tools read: a Sloth
// spec (prometheus/v1, with the alert windows of BurnAlerts as a Sloth
// AlertWindows catalogue) and an OpenSLO v1 document. Both are generated
// from Objectives, BurnAlerts and the SLI expressions of slo.go, so they
// cannot drift from the shipped rules.

// SLOPeriod is the period the objectives and the error budget are over.
const SLOPeriod = "30d"

// SLOService names the service in both specifications.
const SLOService = "ipsec-tunnels"

// sloLevel is one level the SLIs are computed at.
type sloLevel struct {
	suffix string // of the SLO's name
	by     string // grouping labels
	what   string
}

var sloLevels = []sloLevel{
	{"per-peer", "device, peer", "per tunnel (device and peer)"},
	{"per-device", "device", "per device, all its peers together"},
}

// sloName is an objective's name in the specifications: Sloth and OpenSLO
// (RFC 1123) want lowercase letters, digits and dashes.
func sloName(slo string, l sloLevel) string {
	return strings.ReplaceAll(slo, "_", "-") + "-" + l.suffix
}

// negotiationQueries are the failure and the total queries of the
// negotiation SLI over window (a range, or Sloth's {{.window}}), at a level:
// the rates of slo.go, where a side with no series counts as zero when the
// other has one, and a total of zero gives no series.
func negotiationQueries(l sloLevel, window string) (bad, total string) {
	f, s := failuresRate(window), successesRate(window)
	if l.by == "device" {
		f, s = "sum by (device) ("+f+")", "sum by (device) ("+s+")"
	}
	bad = fmt.Sprintf("(%[1]s or %[2]s * 0)", f, s)
	total = fmt.Sprintf("((%[1]s or %[2]s * 0) + (%[2]s or %[1]s * 0)) > 0", f, s)
	return bad, total
}

// availabilityQuery is the availability SLI over window at a level, from
// the input record alone: the device level of ipsec_slo.rules.yml reads
// that file's own per-peer records, which a spec's tool does not have.
func availabilityQuery(l sloLevel, window string) string {
	if l.by == "device" {
		return fmt.Sprintf("1 - avg by (device) (avg_over_time(%s[%s]))", TunnelAvailableRecord, window)
	}
	return availabilitySLI(LevelPeer, window)
}

// rangeFunc matches rate(metric[window]) and increase(metric[window]).
var rangeFunc = regexp.MustCompile(`(?:rate|increase)\(([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?)\[[^\]]+\]\)`)

// counterQuery turns a query over rates into the same query over the
// counters themselves, for consumers that take counters (OpenSLO's
// ratioMetric with counter: true) and compute increases on their own.
func counterQuery(rateQuery string) (string, error) {
	out := rangeFunc.ReplaceAllString(rateQuery, "$1")
	if out == rateQuery || strings.Contains(out, "rate(") {
		return "", fmt.Errorf("no rate() to turn into a counter in %q", rateQuery)
	}
	return out, nil
}

// burnAlertsBy returns the burn alerts of a severity, the one with the
// shorter long window (Sloth's "quick") first.
func burnAlertsBy(severity string) []BurnAlert {
	var out []BurnAlert
	for _, b := range BurnAlerts {
		if b.Severity == severity {
			out = append(out, b)
		}
	}
	slices.SortFunc(out, func(a, b BurnAlert) int { return int(duration(a.LongWindow) - duration(b.LongWindow)) })
	return out
}

// BudgetPercent is the share of the period's error budget a burn alert
// has spent when its condition held for its long window: the factor times
// the long window over the period, in percent.
func BudgetPercent(b BurnAlert) float64 {
	p := b.Factor * float64(duration(b.LongWindow)) / float64(duration(SLOPeriod)) * 100
	return math.Round(p*1e6) / 1e6
}

type slothWindow struct {
	ErrorBudgetPercent float64 `yaml:"errorBudgetPercent"`
	ShortWindow        string  `yaml:"shortWindow"`
	LongWindow         string  `yaml:"longWindow"`
}

type slothWindowPair struct {
	Quick slothWindow `yaml:"quick"`
	Slow  slothWindow `yaml:"slow"`
}

type slothWindows struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Spec       struct {
		SLOPeriod string          `yaml:"sloPeriod"`
		Page      slothWindowPair `yaml:"page"`
		Ticket    slothWindowPair `yaml:"ticket"`
	} `yaml:"spec"`
}

func slothPair(severity string) (slothWindowPair, error) {
	bs := burnAlertsBy(severity)
	if len(bs) != 2 {
		return slothWindowPair{}, fmt.Errorf("%d %s burn alerts: Sloth's windows have exactly two (quick and slow) per severity", len(bs), severity)
	}
	w := func(b BurnAlert) slothWindow {
		return slothWindow{ErrorBudgetPercent: BudgetPercent(b), ShortWindow: b.ShortWindow, LongWindow: b.LongWindow}
	}
	return slothWindowPair{Quick: w(bs[0]), Slow: w(bs[1])}, nil
}

// RenderSlothWindows writes sloth-windows/ipsec_30d.yml: BurnAlerts as a
// Sloth AlertWindows catalogue (sloth generate --slo-period-windows-path).
func RenderSlothWindows(w io.Writer, _ Options) error {
	var doc slothWindows
	doc.APIVersion, doc.Kind = "sloth.slok.dev/v1", "AlertWindows"
	doc.Spec.SLOPeriod = SLOPeriod
	var err error
	if doc.Spec.Page, err = slothPair("critical"); err != nil {
		return err
	}
	if doc.Spec.Ticket, err = slothPair("warning"); err != nil {
		return err
	}
	header := comment("Code generated by go generate ./alerts from BurnAlerts in alerts/slo.go. DO NOT EDIT.") +
		comment("The burn-rate windows of ipsec_slo.rules.yml as a Sloth alert windows catalogue: pass this directory to sloth generate --slo-period-windows-path with ../ipsec_slo.sloth.yml. Page is severity critical, ticket warning; errorBudgetPercent is the budget spent when a condition holds for its long window (factor x long window / "+SLOPeriod+").") + "\n"
	return writeYAML(w, header, doc)
}

type slothSpec struct {
	Version string            `yaml:"version"`
	Service string            `yaml:"service"`
	Labels  map[string]string `yaml:"labels,omitempty"`
	SLOs    []slothSLO        `yaml:"slos"`
}

type slothSLO struct {
	Name        string            `yaml:"name"`
	Objective   float64           `yaml:"objective"`
	Description string            `yaml:"description"`
	Labels      map[string]string `yaml:"labels,omitempty"`
	SLI         slothSLI          `yaml:"sli"`
	Alerting    slothAlerting     `yaml:"alerting"`
}

type slothSLI struct {
	Events *slothEvents `yaml:"events,omitempty"`
	Raw    *slothRaw    `yaml:"raw,omitempty"`
}

type slothEvents struct {
	ErrorQuery string `yaml:"error_query"`
	TotalQuery string `yaml:"total_query"`
}

type slothRaw struct {
	ErrorRatioQuery string `yaml:"error_ratio_query"`
}

type slothAlerting struct {
	Name        string            `yaml:"name"`
	Labels      map[string]string `yaml:"labels,omitempty"`
	Annotations map[string]string `yaml:"annotations,omitempty"`
	PageAlert   slothAlert        `yaml:"page_alert"`
	TicketAlert slothAlert        `yaml:"ticket_alert"`
}

type slothAlert struct {
	Labels map[string]string `yaml:"labels,omitempty"`
}

// slothWindowVar is the window variable of Sloth's SLI query templates.
const slothWindowVar = "{{.window}}"

// percent turns a ratio into a percentage without float noise (0.995 ->
// 99.5).
func percent(ratio float64) float64 { return math.Round(ratio*100*1e9) / 1e9 }

// RenderSlothSpec writes ipsec_slo.sloth.yml: the objectives, per peer and
// per device, as a Sloth prometheus/v1 spec.
func RenderSlothSpec(w io.Writer, o Options) error {
	spec := slothSpec{Version: "prometheus/v1", Service: SLOService}
	for _, obj := range Objectives {
		for _, l := range sloLevels {
			s := slothSLO{
				Name:        sloName(obj.SLO, l),
				Objective:   percent(obj.Target),
				Description: fmt.Sprintf("%s %s. %s", obj.SLO, l.what, obj.Why),
				Labels:      map[string]string{"slo": obj.SLO},
				Alerting: slothAlerting{
					Name:        "IPSecSLOErrorBudgetBurn",
					Annotations: map[string]string{"runbook_url": o.Runbook("slo-error-budget-burn")},
					PageAlert:   slothAlert{Labels: map[string]string{"severity": "critical"}},
					TicketAlert: slothAlert{Labels: map[string]string{"severity": "warning"}},
				},
			}
			switch obj.SLO {
			case "negotiation_success":
				bad, total := negotiationQueries(l, slothWindowVar)
				s.SLI.Events = &slothEvents{ErrorQuery: bad, TotalQuery: total}
			case "tunnel_availability":
				s.SLI.Raw = &slothRaw{ErrorRatioQuery: availabilityQuery(l, slothWindowVar)}
			default:
				return fmt.Errorf("objective %s: no SLI for the specifications", obj.SLO)
			}
			spec.SLOs = append(spec.SLOs, s)
		}
	}
	header := comment("Code generated by go generate ./alerts from Objectives, BurnAlerts and the SLIs of alerts/slo.go. DO NOT EDIT.") +
		comment("The objectives of ipsec_slo.rules.yml as a Sloth spec (https://sloth.dev, prometheus/v1), for teams that generate their SLO rules with Sloth: sloth generate -i ipsec_slo.sloth.yml --slo-period-windows-path sloth-windows (the burn windows of BurnAlerts, the same as Sloth's 30d defaults). Use its output instead of ipsec_slo.rules.yml, not beside it. The availability SLIs read "+TunnelAvailableRecord+", which the group ipsec_slo_inputs of ipsec_slo.rules.yml records: load that group too. What Sloth cannot express: the shipped burn alerts also need "+strconv.Itoa(MinFailures)+" failures in the long window before a negotiation burn fires.") + "\n"
	return writeYAML(w, header, spec)
}

// OpenSLO v1 objects, in the order of the specification's fields.
type osloObject struct {
	APIVersion string       `yaml:"apiVersion"`
	Kind       string       `yaml:"kind"`
	Metadata   osloMetadata `yaml:"metadata"`
	Spec       any          `yaml:"spec"`
}

type osloMetadata struct {
	Name        string            `yaml:"name"`
	DisplayName string            `yaml:"displayName,omitempty"`
	Annotations map[string]string `yaml:"annotations,omitempty"`
}

type osloService struct {
	Description string `yaml:"description"`
}

type osloTarget struct {
	Description string `yaml:"description"`
	Target      string `yaml:"target"`
}

type osloCondition struct {
	Description string       `yaml:"description"`
	Severity    string       `yaml:"severity"`
	Condition   osloBurnRate `yaml:"condition"`
}

type osloBurnRate struct {
	Kind           string  `yaml:"kind"`
	Op             string  `yaml:"op"`
	Threshold      float64 `yaml:"threshold"`
	LookbackWindow string  `yaml:"lookbackWindow"`
	AlertAfter     string  `yaml:"alertAfter"`
}

type osloPolicy struct {
	Description         string    `yaml:"description"`
	AlertWhenNoData     bool      `yaml:"alertWhenNoData"`
	AlertWhenResolved   bool      `yaml:"alertWhenResolved"`
	AlertWhenBreaching  bool      `yaml:"alertWhenBreaching"`
	Conditions          []osloRef `yaml:"conditions"`
	NotificationTargets []osloRef `yaml:"notificationTargets"`
}

type osloRef struct {
	ConditionRef   string `yaml:"conditionRef,omitempty"`
	TargetRef      string `yaml:"targetRef,omitempty"`
	AlertPolicyRef string `yaml:"alertPolicyRef,omitempty"`
}

type osloSLO struct {
	Description     string           `yaml:"description"`
	Service         string           `yaml:"service"`
	Indicator       osloIndicator    `yaml:"indicator"`
	TimeWindow      []osloTimeWindow `yaml:"timeWindow"`
	BudgetingMethod string           `yaml:"budgetingMethod"`
	Objectives      []osloObjective  `yaml:"objectives"`
	AlertPolicies   []osloRef        `yaml:"alertPolicies"`
}

type osloIndicator struct {
	Metadata osloMetadata `yaml:"metadata"`
	Spec     struct {
		RatioMetric osloRatio `yaml:"ratioMetric"`
	} `yaml:"spec"`
}

type osloRatio struct {
	Counter bool        `yaml:"counter"`
	Bad     *osloMetric `yaml:"bad,omitempty"`
	Total   *osloMetric `yaml:"total,omitempty"`
	RawType string      `yaml:"rawType,omitempty"`
	Raw     *osloMetric `yaml:"raw,omitempty"`
}

type osloMetric struct {
	MetricSource struct {
		Type string            `yaml:"type"`
		Spec map[string]string `yaml:"spec"`
	} `yaml:"metricSource"`
}

func prometheusMetric(query string) *osloMetric {
	m := &osloMetric{}
	m.MetricSource.Type = "Prometheus"
	m.MetricSource.Spec = map[string]string{"query": query}
	return m
}

type osloTimeWindow struct {
	Duration  string `yaml:"duration"`
	IsRolling bool   `yaml:"isRolling"`
}

type osloObjective struct {
	DisplayName     string  `yaml:"displayName"`
	Target          float64 `yaml:"target"`
	TimeSliceWindow string  `yaml:"timeSliceWindow,omitempty"`
}

// alertSlug names a burn alert's condition and policy: page-1h-5m.
func alertSlug(b BurnAlert) string {
	kind := map[string]string{"critical": "page", "warning": "ticket"}[b.Severity]
	return fmt.Sprintf("%s-%s-%s", kind, b.LongWindow, b.ShortWindow)
}

// openSLOObjects are the objects of the OpenSLO document: the service, the
// notification targets (the receivers of alertmanager.yml), one alert
// condition and one policy per burn alert (OpenSLO v1 allows one
// condition per policy), and one SLO per objective and level.
func openSLOObjects() ([]osloObject, error) {
	obj := func(kind, name string, spec any) osloObject {
		return osloObject{APIVersion: "openslo/v1", Kind: kind, Metadata: osloMetadata{Name: name}, Spec: spec}
	}
	objects := []osloObject{obj("Service", SLOService, osloService{
		Description: "Site-to-site IPSec tunnels of Huawei firewalls and routers, seen through the traps and log lines ipsec_trap_exporter receives.",
	})}
	for _, t := range []struct{ name, what string }{
		{"pager", "The pager receiver of alerts/alertmanager.yml: someone acts now."},
		{"ticket", "The ticket receiver of alerts/alertmanager.yml: someone acts in working hours."},
	} {
		objects = append(objects, obj("AlertNotificationTarget", t.name, osloTarget{Description: t.what, Target: "alertmanager-" + t.name}))
	}
	var policies []osloRef
	for _, b := range BurnAlerts {
		slug := alertSlug(b)
		factor := strconv.FormatFloat(b.Factor, 'f', -1, 64)
		c := obj("AlertCondition", slug, osloCondition{
			Description: fmt.Sprintf("The error budget burns at more than %sx over %s and, as a second condition OpenSLO v1 has no field for, over %s (annotation shortWindow): %s of the %s budget spent in %s.",
				factor, b.LongWindow, b.ShortWindow, b.Budget, SLOPeriod, b.LongWindow),
			Severity:  b.Severity,
			Condition: osloBurnRate{Kind: "burnrate", Op: "gt", Threshold: b.Factor, LookbackWindow: b.LongWindow, AlertAfter: "0m"},
		})
		c.Metadata.Annotations = map[string]string{"shortWindow": b.ShortWindow}
		target := map[string]string{"critical": "pager", "warning": "ticket"}[b.Severity]
		if target == "" {
			return nil, fmt.Errorf("burn alert %s: severity %q has no receiver", slug, b.Severity)
		}
		p := obj("AlertPolicy", slug, osloPolicy{
			Description:         fmt.Sprintf("IPSecSLOErrorBudgetBurn with severity %s, windows %s and %s.", b.Severity, b.LongWindow, b.ShortWindow),
			AlertWhenBreaching:  true,
			Conditions:          []osloRef{{ConditionRef: slug}},
			NotificationTargets: []osloRef{{TargetRef: target}},
		})
		objects = append(objects, c, p)
		policies = append(policies, osloRef{AlertPolicyRef: slug})
	}
	for _, o := range Objectives {
		for _, l := range sloLevels {
			s, err := openSLO(o, l, policies)
			if err != nil {
				return nil, err
			}
			objects = append(objects, obj("SLO", sloName(o.SLO, l), s))
		}
	}
	return objects, nil
}

// openSLO is one objective at one level. Negotiations are events: the
// failure and all negotiation counters (Occurrences). Availability is time:
// the share of the time a tunnel is available, as the average of per-minute
// ratios (RatioTimeslices) of the input slo.go's availability SLI reads.
func openSLO(o Objective, l sloLevel, policies []osloRef) (osloSLO, error) {
	s := osloSLO{
		Description:   fmt.Sprintf("%s %s. %s", o.SLO, l.what, o.Why),
		Service:       SLOService,
		TimeWindow:    []osloTimeWindow{{Duration: SLOPeriod, IsRolling: true}},
		AlertPolicies: policies,
	}
	s.Indicator.Metadata.Name = sloName(o.SLO, l)
	switch o.SLO {
	case "negotiation_success":
		badRate, totalRate := negotiationQueries(l, "5m")
		bad, err := counterQuery(badRate)
		if err != nil {
			return s, err
		}
		total, err := counterQuery(strings.TrimSuffix(totalRate, " > 0"))
		if err != nil {
			return s, err
		}
		s.Indicator.Spec.RatioMetric = osloRatio{Counter: true, Bad: prometheusMetric(bad), Total: prometheusMetric(total)}
		s.BudgetingMethod = "Occurrences"
		s.Objectives = []osloObjective{{DisplayName: "negotiations that succeed", Target: o.Target}}
	case "tunnel_availability":
		// 1 - the error ratio of slo.go over an instant is the input.
		input, ok := strings.CutPrefix(availabilitySLI(LevelPeer, "1m"), "1 - avg_over_time(")
		input, ok2 := strings.CutSuffix(input, "[1m])")
		if !ok || !ok2 {
			return s, fmt.Errorf("availability SLI %q is not 1 - avg_over_time(input[window])", availabilitySLI(LevelPeer, "1m"))
		}
		if l.by == "device" {
			input = "avg by (device) (" + input + ")"
		}
		s.Indicator.Spec.RatioMetric = osloRatio{RawType: "success", Raw: prometheusMetric(input)}
		s.BudgetingMethod = "RatioTimeslices"
		s.Objectives = []osloObjective{{DisplayName: "time tunnels are up or down as planned", Target: o.Target, TimeSliceWindow: "1m"}}
	default:
		return s, fmt.Errorf("objective %s: no SLI for the specifications", o.SLO)
	}
	return s, nil
}

// RenderOpenSLO writes ipsec_slo.openslo.yml: the objectives as an OpenSLO
// v1 document, one YAML document per object.
func RenderOpenSLO(w io.Writer, _ Options) error {
	objects, err := openSLOObjects()
	if err != nil {
		return err
	}
	header := comment("Code generated by go generate ./alerts from Objectives, BurnAlerts and the SLIs of alerts/slo.go. DO NOT EDIT.") +
		comment("The objectives of ipsec_slo.rules.yml as an OpenSLO v1 document (https://openslo.com), for tools that read the specification. Queries are PromQL over the exporter's series and, for availability, the input "+TunnelAvailableRecord+" that ipsec_slo.rules.yml records (group ipsec_slo_inputs). Every burn-rate condition of the shipped rules also holds over a short window, which OpenSLO v1 cannot express: it is in each condition's description and its annotation shortWindow. The negotiation burn alerts also need "+strconv.Itoa(MinFailures)+" failures in the long window.")
	if _, err := io.WriteString(w, header); err != nil {
		return err
	}
	for _, o := range objects {
		if _, err := io.WriteString(w, "---\n"); err != nil {
			return err
		}
		enc := yaml.NewEncoder(w)
		enc.SetIndent(2)
		if err := enc.Encode(o); err != nil {
			return err
		}
		if err := enc.Close(); err != nil {
			return err
		}
	}
	return nil
}
