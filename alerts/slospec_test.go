package alerts

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// openSLODocs reads the checked-in OpenSLO document, one value per YAML
// document.
func openSLODocs(t *testing.T) []map[string]any {
	t.Helper()
	b, err := os.ReadFile("ipsec_slo.openslo.yml")
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var docs []map[string]any
	for {
		var d map[string]any
		if err := dec.Decode(&d); errors.Is(err, io.EOF) {
			return docs
		} else if err != nil {
			t.Fatalf("ipsec_slo.openslo.yml: %v", err)
		}
		docs = append(docs, d)
	}
}

// get walks a decoded YAML value by keys.
func get(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func str(v any, keys ...string) string {
	s, _ := get(v, keys...).(string)
	return s
}

func list(v any, keys ...string) []any {
	l, _ := get(v, keys...).([]any)
	return l
}

func num(v any, keys ...string) (float64, bool) {
	switch n := get(v, keys...).(type) {
	case int:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

var (
	rfc1123           = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$`)
	durationShorthand = regexp.MustCompile(`^[0-9]+[mhdwMQY]$`)
	annotationKey     = regexp.MustCompile(`^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]{0,61}[a-zA-Z0-9])?$`)
)

// openSLOChecker holds what the document declares, so that references can
// be resolved.
type openSLOChecker struct {
	t        *testing.T
	declared map[string]map[string]any // kind -> name -> object
}

func (c *openSLOChecker) errorf(obj any, format string, args ...any) {
	c.t.Helper()
	c.t.Errorf("%s %s: %s", str(obj, "kind"), str(obj, "metadata", "name"), fmt.Sprintf(format, args...))
}

// metricSource checks a metricSource holder (good, bad, total, raw,
// thresholdMetric).
func (c *openSLOChecker) metricSource(obj, holder any, what string) {
	c.t.Helper()
	if holder == nil {
		return
	}
	if str(holder, "metricSource", "type") == "" && str(holder, "metricSource", "metricSourceRef") == "" {
		c.errorf(obj, "%s: metricSource without type or metricSourceRef", what)
	}
	if str(holder, "metricSource", "spec", "query") == "" {
		c.errorf(obj, "%s: metricSource without a query", what)
	}
}

// The OpenSLO v1 document, checked against the specification's rules
// (github.com/OpenSLO/OpenSLO, README, v1): every object's apiVersion,
// kind, name and required fields, the enumerations and the
// duration-shorthand format, one condition per alert policy, and every
// reference resolved. No OpenSLO validator is available as a Go module
// here, so the rules are written out in this test.
func TestOpenSLODocumentFollowsTheSpecification(t *testing.T) {
	docs := openSLODocs(t)
	c := &openSLOChecker{t: t, declared: map[string]map[string]any{}}
	kinds := []string{"DataSource", "SLO", "SLI", "AlertPolicy", "AlertCondition", "AlertNotificationTarget", "Service"}
	for _, d := range docs {
		if v := str(d, "apiVersion"); v != "openslo/v1" {
			c.errorf(d, "apiVersion %q, want openslo/v1", v)
		}
		kind, name := str(d, "kind"), str(d, "metadata", "name")
		if !slices.Contains(kinds, kind) {
			c.errorf(d, "kind %q is not one of %v", kind, kinds)
		}
		if !rfc1123.MatchString(name) {
			c.errorf(d, "metadata.name %q is not an RFC 1123 name", name)
		}
		annotations, _ := get(d, "metadata", "annotations").(map[string]any)
		for k := range annotations {
			if !annotationKey.MatchString(k) {
				c.errorf(d, "annotation key %q", k)
			}
		}
		if get(d, "spec") == nil {
			c.errorf(d, "no spec")
		}
		if len(str(d, "spec", "description")) > 1050 {
			c.errorf(d, "description longer than 1050 characters")
		}
		if c.declared[kind] == nil {
			c.declared[kind] = map[string]any{}
		}
		if _, dup := c.declared[kind][name]; dup {
			c.errorf(d, "declared twice")
		}
		c.declared[kind][name] = d
	}
	for _, d := range docs {
		switch str(d, "kind") {
		case "AlertNotificationTarget":
			if str(d, "spec", "target") == "" {
				c.errorf(d, "no target")
			}
		case "AlertCondition":
			c.alertCondition(d)
		case "AlertPolicy":
			c.alertPolicy(d)
		case "SLO":
			c.slo(d)
		}
	}
	for _, kind := range []string{"Service", "AlertNotificationTarget", "AlertCondition", "AlertPolicy", "SLO"} {
		if len(c.declared[kind]) == 0 {
			t.Errorf("no %s in the document", kind)
		}
	}
}

func (c *openSLOChecker) alertCondition(d any) {
	c.t.Helper()
	if str(d, "spec", "severity") == "" {
		c.errorf(d, "no severity")
	}
	if k := str(d, "spec", "condition", "kind"); k != "burnrate" {
		c.errorf(d, "condition kind %q, want burnrate", k)
	}
	if op := str(d, "spec", "condition", "op"); !slices.Contains([]string{"lte", "gte", "lt", "gt"}, op) {
		c.errorf(d, "op %q", op)
	}
	if _, ok := num(d, "spec", "condition", "threshold"); !ok {
		c.errorf(d, "no numeric threshold")
	}
	for _, f := range []string{"lookbackWindow", "alertAfter"} {
		if v := str(d, "spec", "condition", f); !durationShorthand.MatchString(v) {
			c.errorf(d, "%s %q is not a duration-shorthand", f, v)
		}
	}
}

func (c *openSLOChecker) alertPolicy(d any) {
	c.t.Helper()
	conds := list(d, "spec", "conditions")
	if len(conds) != 1 {
		c.errorf(d, "%d conditions, OpenSLO v1 allows exactly one", len(conds))
	}
	for _, cond := range conds {
		if ref := str(cond, "conditionRef"); c.declared["AlertCondition"][ref] == nil {
			c.errorf(d, "conditionRef %q names no AlertCondition", ref)
		}
	}
	targets := list(d, "spec", "notificationTargets")
	if len(targets) == 0 {
		c.errorf(d, "no notificationTargets")
	}
	for _, tg := range targets {
		if ref := str(tg, "targetRef"); c.declared["AlertNotificationTarget"][ref] == nil {
			c.errorf(d, "targetRef %q names no AlertNotificationTarget", ref)
		}
	}
	for _, f := range []string{"alertWhenNoData", "alertWhenResolved", "alertWhenBreaching"} {
		if _, ok := get(d, "spec", f).(bool); !ok {
			c.errorf(d, "%s is not a boolean", f)
		}
	}
}

func (c *openSLOChecker) slo(d any) {
	c.t.Helper()
	if s := str(d, "spec", "service"); c.declared["Service"][s] == nil {
		c.errorf(d, "service %q names no Service", s)
	}
	ind := get(d, "spec", "indicator")
	if str(ind, "metadata", "name") == "" || get(ind, "spec") == nil {
		c.errorf(d, "an inline indicator needs metadata.name and spec")
	}
	ratio, threshold := get(ind, "spec", "ratioMetric"), get(ind, "spec", "thresholdMetric")
	if (ratio == nil) == (threshold == nil) {
		c.errorf(d, "exactly one of ratioMetric and thresholdMetric")
	}
	if ratio != nil {
		good, bad, total, raw := get(ratio, "good"), get(ratio, "bad"), get(ratio, "total"), get(ratio, "raw")
		switch {
		case raw != nil:
			if good != nil || bad != nil || total != nil {
				c.errorf(d, "raw with good, bad or total")
			}
			if rt := str(ratio, "rawType"); rt != "success" && rt != "failure" {
				c.errorf(d, "rawType %q, want success or failure", rt)
			}
		case total != nil:
			if (good == nil) == (bad == nil) {
				c.errorf(d, "exactly one of good and bad with total")
			}
			if _, ok := get(ratio, "counter").(bool); !ok {
				c.errorf(d, "counter is not a boolean")
			}
		default:
			c.errorf(d, "ratioMetric without total or raw")
		}
		for _, h := range []string{"good", "bad", "total", "raw"} {
			c.metricSource(d, get(ratio, h), h)
		}
	}
	c.metricSource(d, threshold, "thresholdMetric")
	tw := list(d, "spec", "timeWindow")
	if len(tw) != 1 {
		c.errorf(d, "%d timeWindow items, want exactly one", len(tw))
	}
	for _, w := range tw {
		if !durationShorthand.MatchString(str(w, "duration")) {
			c.errorf(d, "timeWindow duration %q", str(w, "duration"))
		}
		if rolling, _ := get(w, "isRolling").(bool); !rolling && get(w, "calendar") == nil {
			c.errorf(d, "a timeWindow that is not rolling needs a calendar")
		}
	}
	method := str(d, "spec", "budgetingMethod")
	if !slices.Contains([]string{"Occurrences", "Timeslices", "RatioTimeslices"}, method) {
		c.errorf(d, "budgetingMethod %q", method)
	}
	objectives := list(d, "spec", "objectives")
	if len(objectives) == 0 || (threshold != nil && len(objectives) != 1) {
		c.errorf(d, "%d objectives", len(objectives))
	}
	for _, o := range objectives {
		target, ok := num(o, "target")
		if !ok || target < 0 || target >= 1 {
			c.errorf(d, "objective target %v, want [0, 1)", get(o, "target"))
		}
		if method != "Occurrences" && get(o, "timeSliceWindow") == nil {
			c.errorf(d, "%s needs timeSliceWindow", method)
		}
		if method == "Timeslices" && get(o, "timeSliceTarget") == nil {
			c.errorf(d, "Timeslices needs timeSliceTarget")
		}
	}
	for _, p := range list(d, "spec", "alertPolicies") {
		if ref := str(p, "alertPolicyRef"); c.declared["AlertPolicy"][ref] == nil {
			c.errorf(d, "alertPolicyRef %q names no AlertPolicy", ref)
		}
	}
}

// The document says what alerts/slo.go says: an SLO per objective and
// level with its target and period, and an alert condition per burn alert
// with its factor, windows and severity.
func TestOpenSLODocumentCarriesTheObjectives(t *testing.T) {
	docs := openSLODocs(t)
	targets := map[string]float64{}
	conditions := map[string]any{}
	for _, d := range docs {
		switch str(d, "kind") {
		case "SLO":
			v, _ := num(list(d, "spec", "objectives")[0], "target")
			targets[str(d, "metadata", "name")] = v
			if w := str(list(d, "spec", "timeWindow")[0], "duration"); w != SLOPeriod {
				t.Errorf("SLO %s: window %s, want %s", str(d, "metadata", "name"), w, SLOPeriod)
			}
		case "AlertCondition":
			conditions[str(d, "metadata", "name")] = d
		}
	}
	for _, o := range Objectives {
		for _, l := range sloLevels {
			if got, ok := targets[sloName(o.SLO, l)]; !ok || got != o.Target {
				t.Errorf("SLO %s: target %v (present %v), want %v", sloName(o.SLO, l), got, ok, o.Target)
			}
		}
	}
	if len(targets) != len(Objectives)*len(sloLevels) {
		t.Errorf("%d SLOs, want %d", len(targets), len(Objectives)*len(sloLevels))
	}
	for _, b := range BurnAlerts {
		c := conditions[alertSlug(b)]
		threshold, _ := num(c, "spec", "condition", "threshold")
		if c == nil || threshold != b.Factor || str(c, "spec", "condition", "lookbackWindow") != b.LongWindow ||
			str(c, "spec", "severity") != b.Severity || str(c, "metadata", "annotations", "shortWindow") != b.ShortWindow {
			t.Errorf("burn alert %+v: condition %v", b, c)
		}
	}
}

// Each burn alert's Budget (the text of the rule file) is what its factor
// spends over its long window; the Sloth windows carry the same numbers.
func TestBurnAlertBudgetsMatchTheirFactors(t *testing.T) {
	for _, b := range BurnAlerts {
		want := strconv.FormatFloat(BudgetPercent(b), 'f', -1, 64) + "%"
		if b.Budget != want {
			t.Errorf("%+v: Budget %s, but %sx over %s of %s spends %s", b, b.Budget, strconv.FormatFloat(b.Factor, 'f', -1, 64), b.LongWindow, SLOPeriod, want)
		}
		// Sloth computes the factor back from the percentage.
		back := BudgetPercent(b) / 100 * float64(duration(SLOPeriod)) / float64(duration(b.LongWindow))
		if math.Abs(back-b.Factor) > 1e-9 {
			t.Errorf("%+v: Sloth would compute factor %v", b, back)
		}
	}
	if !slices.Contains(SLOWindows, SLOPeriod) {
		t.Errorf("SLOPeriod %s is not a window of the SLO rules %v", SLOPeriod, SLOWindows)
	}
}

func TestCounterQuery(t *testing.T) {
	for in, want := range map[string]string{
		`sum by (device) (rate(a_total[5m]))`:                   `sum by (device) (a_total)`,
		`max(increase(a_total{x="y"}[1h])) + rate(b_total[1m])`: `max(a_total{x="y"}) + b_total`,
	} {
		got, err := counterQuery(in)
		if err != nil || got != want {
			t.Errorf("counterQuery(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := counterQuery("avg_over_time(x[5m])"); err == nil {
		t.Error("counterQuery of a query without rate: no error")
	}
	for _, d := range openSLODocs(t) {
		if strings.Contains(fmt.Sprint(d), "rate(") {
			t.Errorf("%s %s: a counter query keeps a rate()", str(d, "kind"), str(d, "metadata", "name"))
		}
	}
}
