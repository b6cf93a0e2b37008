package alerts

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/mib"
)

type unitTestFile struct {
	RuleFiles          []string        `yaml:"rule_files"`
	EvaluationInterval string          `yaml:"evaluation_interval"`
	Tests              []unitTestGroup `yaml:"tests"`
}

type unitTestGroup struct {
	Name          string          `yaml:"name"`
	Interval      string          `yaml:"interval"`
	InputSeries   []inputSeries   `yaml:"input_series"`
	AlertRuleTest []alertRuleTest `yaml:"alert_rule_test"`
	// PromQLExprTest is for tests that read a record or ALERTS rather than
	// expect whole alerts (annotations included).
	PromQLExprTest []promqlExprTest `yaml:"promql_expr_test,omitempty"`
}

type promqlExprTest struct {
	Expr       string      `yaml:"expr"`
	EvalTime   string      `yaml:"eval_time"`
	ExpSamples []expSample `yaml:"exp_samples"`
}

type expSample struct {
	Labels string  `yaml:"labels"`
	Value  float64 `yaml:"value"`
}

type inputSeries struct {
	Series string `yaml:"series"`
	Values string `yaml:"values"`
}

type alertRuleTest struct {
	EvalTime  string     `yaml:"eval_time"`
	Alertname string     `yaml:"alertname"`
	ExpAlerts []expAlert `yaml:"exp_alerts"`
}

type expAlert struct {
	ExpLabels      map[string]string `yaml:"exp_labels"`
	ExpAnnotations map[string]string `yaml:"exp_annotations"`
}

// The HA pair of the tests: two exporters that receive the same traps.
var testInstances = []string{"exporter-a:9163", "exporter-b:9163"}

func minutes(d string) int {
	v, err := time.ParseDuration(d)
	if err != nil {
		panic(fmt.Sprintf("bad duration %q in a policy", d))
	}
	return int(v.Minutes())
}

// RenderFailureTests writes the promtool unit tests of the generated
// failure alerts: for every group, that it fires when a peer keeps failing
// (on a new and on a long-lived series), that one failure does not fire it
// (or, for capacity limits, that it resolves once the failure leaves the
// window), and that an HA pair's duplicate series are counted once.
func RenderFailureTests(w io.Writer, o Options) error {
	f := unitTestFile{
		RuleFiles:          []string{"../ipsec_negotiation_failures.rules.yml"},
		EvaluationInterval: "1m",
	}
	for _, g := range AlertGroups() {
		c := newFailureCase(g, o)
		for _, test := range []func() (unitTestGroup, error){c.thresholdTest, c.oneFailureTest, c.longLivedTest} {
			tg, err := test()
			if err != nil {
				return err
			}
			f.Tests = append(f.Tests, tg)
		}
	}
	header := comment(generatedBy) + comment("promtool unit tests of ipsec_negotiation_failures.rules.yml; run: promtool test rules alerts/tests/*.yml") + "\n"
	return writeYAML(w, header, f)
}

// failureCase is one group's alert under test: the labels of the failing
// peer, the group's policy, and the alert's name, shared by its three tests.
type failureCase struct {
	g      mib.Group
	p      Policy
	o      Options
	labels map[string]string
	name   string
}

func newFailureCase(g mib.Group, o Options) failureCase {
	// A code from newer software stands for the unknown reasons.
	r := mib.Reason{Code: 99, Slug: mib.UnknownReason}
	if rs := ReasonsOf(g.Name); len(rs) > 0 {
		r = rs[0]
	}
	return failureCase{
		g: g, p: Policies[g.Class], o: o, name: FailureAlertName(g.Name),
		labels: map[string]string{
			"device": "fw-hq-01", "peer": "203.0.113.9", "interface": "GigabitEthernet0/0/1",
			"reason": r.Slug, "reason_code": strconv.Itoa(r.Code), "vsys": "public",
		},
	}
}

// series is the peer's failure series as both exporters of the HA pair
// hold it, so that every test also checks that the pair counts once.
func (c failureCase) series(values string) []inputSeries {
	var in []inputSeries
	for _, inst := range testInstances {
		in = append(in, inputSeries{
			Series: fmt.Sprintf(metricdef.NegotiationFailures.Name+`{device=%q,instance=%q,interface=%q,job="ipsec_trap_exporter",peer=%q,reason=%q,reason_code=%q,vsys=%q}`,
				c.labels["device"], inst, c.labels["interface"], c.labels["peer"], c.labels["reason"], c.labels["reason_code"], c.labels["vsys"]),
			Values: values,
		})
	}
	return in
}

// alert is the firing alert with value failures, its annotations expanded
// as Prometheus would, so the tests check the text people read.
func (c failureCase) alert(value int) (expAlert, error) {
	l := map[string]string{"severity": c.p.Severity, "class": string(c.g.Class), "remediation_group": c.g.Name}
	for k, v := range c.labels {
		l[k] = v
	}
	a := map[string]string{}
	for k, v := range FailureAnnotations(c.g, c.o) {
		s, err := ExpandAnnotation(v, c.labels, float64(value))
		if err != nil {
			return expAlert{}, err
		}
		a[k] = s
	}
	return expAlert{ExpLabels: l, ExpAnnotations: a}, nil
}

func at(m int) string { return fmt.Sprintf("%dm", m) }

// thresholdTest: a new series, born at 5m, that reaches the threshold one
// failure a minute and stays there.
func (c failureCase) thresholdTest() (unitTestGroup, error) {
	forM, th := minutes(c.p.For), c.p.Threshold
	values := "_x5 1x40"
	if th > 1 {
		values = fmt.Sprintf("_x5 1+1x%d %dx40", th-2, th)
	}
	crossed := 5 + th - 1
	fires, err := c.alert(th)
	if err != nil {
		return unitTestGroup{}, err
	}
	tg := unitTestGroup{
		Name:        c.name + ": fires when a new series reaches the threshold; the HA pair counts once",
		Interval:    "1m",
		InputSeries: c.series(values),
	}
	if forM > 0 {
		tg.AlertRuleTest = append(tg.AlertRuleTest, alertRuleTest{EvalTime: at(crossed), Alertname: c.name, ExpAlerts: []expAlert{}})
	}
	tg.AlertRuleTest = append(tg.AlertRuleTest, alertRuleTest{EvalTime: at(crossed + forM + 2), Alertname: c.name, ExpAlerts: []expAlert{fires}})
	return tg, nil
}

// oneFailureTest: one failure does not fire (a rekey race), except where
// one is already proof (threshold 1), where it fires and resolves once the
// failure leaves the window.
func (c failureCase) oneFailureTest() (unitTestGroup, error) {
	win, forM := minutes(c.p.Window), minutes(c.p.For)
	one := unitTestGroup{Interval: "1m", InputSeries: c.series(fmt.Sprintf("_x5 1x%d", win+forM+10))}
	if c.p.Threshold > 1 {
		one.Name = c.name + ": one failure (a rekey race) does not fire"
		one.AlertRuleTest = []alertRuleTest{
			{EvalTime: at(5 + forM + 2), Alertname: c.name, ExpAlerts: []expAlert{}},
			{EvalTime: at(5 + win + forM + 2), Alertname: c.name, ExpAlerts: []expAlert{}},
		}
		return one, nil
	}
	a, err := c.alert(1)
	if err != nil {
		return unitTestGroup{}, err
	}
	one.Name = c.name + ": one failure fires, and resolves once it leaves the window"
	one.AlertRuleTest = []alertRuleTest{
		{EvalTime: at(5 + forM + 2), Alertname: c.name, ExpAlerts: []expAlert{a}},
		{EvalTime: at(5 + win + forM + 2), Alertname: c.name, ExpAlerts: []expAlert{}},
	}
	return one, nil
}

// longLivedTest: a series flat (old failures) for a while, then a failure
// a minute. Flat, it must not fire on its old total.
func (c failureCase) longLivedTest() (unitTestGroup, error) {
	win, forM := minutes(c.p.Window), minutes(c.p.For)
	flat := win + 10
	rise := win + forM + 10
	lived, err := c.alert(win)
	if err != nil {
		return unitTestGroup{}, err
	}
	return unitTestGroup{
		Name:        c.name + ": a long-lived series fires on its increase, not its total",
		Interval:    "1m",
		InputSeries: c.series(fmt.Sprintf("10x%d 11+1x%d", flat, rise)),
		AlertRuleTest: []alertRuleTest{
			{EvalTime: at(flat - 2), Alertname: c.name, ExpAlerts: []expAlert{}},
			{EvalTime: at(flat + win + forM + 2), Alertname: c.name, ExpAlerts: []expAlert{lived}},
		},
	}, nil
}
