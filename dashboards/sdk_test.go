package dashboards

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
)

// The tests read the JSON files users import back into the SDK's model:
// with the SDK's plugins registered, panel options and Prometheus targets
// decode into their own types.
func init() { plugins.RegisterDefaultPlugins() }

// loadDashboards reads every dashboard JSON file matching pattern.
func loadDashboards(t *testing.T, pattern string) map[string]*dashboard.Dashboard {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no dashboards match %s (%v)", pattern, err)
	}
	out := map[string]*dashboard.Dashboard{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d dashboard.Dashboard
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[filepath.Base(f)] = &d
	}
	return out
}

// strictDecode decodes b with the SDK's strict decoder, which refuses
// unknown fields, missing required ones and values of the wrong type.
func strictDecode(b []byte) error {
	var d dashboard.Dashboard
	err := d.UnmarshalJSONStrict(b)
	// The SDK returns its error list as an error even when it is empty.
	var list cog.BuildErrors
	if errors.As(err, &list) && len(list) == 0 {
		return nil
	}
	return err
}

// panels are the panels of d (the dashboards have no rows).
func panels(d *dashboard.Dashboard) []*dashboard.Panel {
	var out []*dashboard.Panel
	for _, p := range d.Panels {
		if p.Panel != nil {
			out = append(out, p.Panel)
		}
	}
	return out
}

func fieldConfig(p *dashboard.Panel) dashboard.FieldConfigSource {
	if p.FieldConfig == nil {
		return dashboard.FieldConfigSource{}
	}
	return *p.FieldConfig
}

// promTargets are the Prometheus queries of p; the panel-datasource check
// reports any other kind.
func promTargets(p *dashboard.Panel) []*prometheus.Dataquery {
	var out []*prometheus.Dataquery
	for _, t := range p.Targets {
		if q, ok := t.(*prometheus.Dataquery); ok {
			out = append(out, q)
		}
	}
	return out
}

// varQuery is the query of a variable: a string (type datasource, older
// query variables) or Grafana 10's Prometheus query object.
func varQuery(v dashboard.VariableModel) string {
	switch {
	case v.Query == nil:
		return ""
	case v.Query.String != nil:
		return *v.Query.String
	default:
		s, _ := v.Query.Map["query"].(string)
		return s
	}
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func flag(b *bool) bool { return b != nil && *b }
