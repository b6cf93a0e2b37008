package dashboards

// The types below are the subset of Grafana's dashboard JSON model (schema
// version 39, Grafana 10.4 and 11) that the dashboards use. Fields are
// declared in the order Grafana exports them, and free-form parts (panel
// options, custom field config) are maps, which encoding/json writes with
// sorted keys, so the output is stable byte for byte.

// SchemaVersion is the dashboard schema the JSON targets; Grafana migrates
// older schemas on import but not newer ones, so this sets the minimum
// version (10.4).
const SchemaVersion = 39

// Dashboard is one dashboard file.
type Dashboard struct {
	Annotations   Annotations `json:"annotations"`
	Description   string      `json:"description"`
	Editable      bool        `json:"editable"`
	FiscalYear    int         `json:"fiscalYearStartMonth"`
	GraphTooltip  int         `json:"graphTooltip"`
	Links         []Link      `json:"links"`
	Panels        []*Panel    `json:"panels"`
	Refresh       string      `json:"refresh"`
	SchemaVersion int         `json:"schemaVersion"`
	Tags          []string    `json:"tags"`
	Templating    Templating  `json:"templating"`
	Time          TimeRange   `json:"time"`
	Timepicker    struct{}    `json:"timepicker"`
	Timezone      string      `json:"timezone"`
	Title         string      `json:"title"`
	UID           string      `json:"uid"`
	Version       int         `json:"version"`

	// File is the name the generator writes the dashboard to.
	File string `json:"-"`
}

// Annotations holds the dashboard's annotation queries.
type Annotations struct {
	List []map[string]any `json:"list"`
}

// Link is a dashboard link (top bar).
type Link struct {
	AsDropdown  bool     `json:"asDropdown"`
	Icon        string   `json:"icon"`
	IncludeVars bool     `json:"includeVars"`
	KeepTime    bool     `json:"keepTime"`
	Tags        []string `json:"tags"`
	TargetBlank bool     `json:"targetBlank"`
	Title       string   `json:"title"`
	Tooltip     string   `json:"tooltip"`
	Type        string   `json:"type"` // "dashboards" (by tag) or "link"
	URL         string   `json:"url"`
}

// TimeRange is the default time range.
type TimeRange struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Templating holds the dashboard variables.
type Templating struct {
	List []Variable `json:"list"`
}

// Variable is a template variable.
type Variable struct {
	AllValue    string      `json:"allValue,omitempty"`
	Current     struct{}    `json:"current"`
	Datasource  *Datasource `json:"datasource,omitempty"`
	Definition  string      `json:"definition,omitempty"`
	Description string      `json:"description"`
	Hide        int         `json:"hide"`
	IncludeAll  bool        `json:"includeAll"`
	Label       string      `json:"label"`
	Multi       bool        `json:"multi"`
	Name        string      `json:"name"`
	Options     []any       `json:"options"`
	Query       any         `json:"query"` // a string for type datasource, a VariableQuery for type query
	Refresh     int         `json:"refresh"`
	Regex       string      `json:"regex"`
	SkipURLSync bool        `json:"skipUrlSync"`
	Sort        int         `json:"sort"`
	Type        string      `json:"type"`
}

// VariableQuery is the Prometheus variable query as Grafana 10.4+ stores it.
type VariableQuery struct {
	QryType int    `json:"qryType"`
	Query   string `json:"query"`
	RefID   string `json:"refId"`
}

// Datasource references a data source; UID "${datasource}" is the variable.
type Datasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

// GridPos places a panel on the 24-column grid.
type GridPos struct {
	H int `json:"h"`
	W int `json:"w"`
	X int `json:"x"`
	Y int `json:"y"`
}

// Panel is one panel.
type Panel struct {
	Datasource      *Datasource      `json:"datasource"`
	Description     string           `json:"description"`
	FieldConfig     FieldConfig      `json:"fieldConfig"`
	GridPos         GridPos          `json:"gridPos"`
	ID              int              `json:"id"`
	Links           []DataLink       `json:"links,omitempty"`
	Options         map[string]any   `json:"options"`
	Targets         []Target         `json:"targets"`
	Title           string           `json:"title"`
	Transformations []map[string]any `json:"transformations,omitempty"`
	Type            string           `json:"type"`

	// MustHaveData marks the panels the end-to-end test requires to return
	// data once the exporter has received traps of every kind: the ones an
	// operator must never find empty during an incident.
	MustHaveData bool `json:"-"`
}

// FieldConfig is a panel's field configuration.
type FieldConfig struct {
	Defaults  FieldDefaults `json:"defaults"`
	Overrides []Override    `json:"overrides"`
}

// FieldDefaults applies to every field of the panel.
type FieldDefaults struct {
	Color      map[string]any `json:"color,omitempty"`
	Custom     map[string]any `json:"custom,omitempty"`
	Decimals   *int           `json:"decimals,omitempty"`
	Links      []DataLink     `json:"links,omitempty"`
	Mappings   []ValueMapping `json:"mappings"`
	Max        *float64       `json:"max,omitempty"`
	Min        *float64       `json:"min,omitempty"`
	Thresholds Thresholds     `json:"thresholds"`
	Unit       string         `json:"unit"`
}

// Thresholds colour values by step.
type Thresholds struct {
	Mode  string `json:"mode"`
	Steps []Step `json:"steps"`
}

// Step is one threshold step; Value nil is the base step.
type Step struct {
	Color string   `json:"color"`
	Value *float64 `json:"value"`
}

// ValueMapping maps raw values to display text (type "value").
type ValueMapping struct {
	Options map[string]MappingResult `json:"options"`
	Type    string                   `json:"type"`
}

// MappingResult is what a mapped value displays as.
type MappingResult struct {
	Color string `json:"color,omitempty"`
	Index int    `json:"index"`
	Text  string `json:"text"`
}

// DataLink is a link on a value.
type DataLink struct {
	TargetBlank bool   `json:"targetBlank"`
	Title       string `json:"title"`
	URL         string `json:"url"`
}

// Override changes the config of the fields a matcher selects.
type Override struct {
	Matcher    Matcher    `json:"matcher"`
	Properties []Property `json:"properties"`
}

// Matcher selects fields.
type Matcher struct {
	ID      string `json:"id"`
	Options string `json:"options"`
}

// Property is one overridden setting.
type Property struct {
	ID    string `json:"id"`
	Value any    `json:"value"`
}

// Target is one query of a panel.
type Target struct {
	Datasource   *Datasource `json:"datasource"`
	EditorMode   string      `json:"editorMode"`
	Exemplar     bool        `json:"exemplar"`
	Expr         string      `json:"expr"`
	Format       string      `json:"format"`
	Instant      bool        `json:"instant"`
	Interval     string      `json:"interval"`
	LegendFormat string      `json:"legendFormat"`
	Range        bool        `json:"range"`
	RefID        string      `json:"refId"`
}
