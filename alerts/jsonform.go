package alerts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"gopkg.in/yaml.v3"
)

// JSONDir holds the JSON form of every rule file, for mixin.libsonnet. The
// mixin imports these instead of parsing the YAML files at evaluation time:
// std.parseYaml differs between jsonnet implementations (the C++ jsonnet of
// Debian 12, 0.18, aborts on the multi-line PromQL of the rule files), and a
// plain JSON import reads the same in every one.
const JSONDir = "json"

// asJSON renders a rule file as YAML and writes the same document as
// indented JSON, so the two forms cannot say different things.
func asJSON(render func(io.Writer, Options) error) func(io.Writer, Options) error {
	return func(w io.Writer, o Options) error {
		var b bytes.Buffer
		if err := render(&b, o); err != nil {
			return err
		}
		var doc any
		if err := yaml.Unmarshal(b.Bytes(), &doc); err != nil {
			return fmt.Errorf("reading the YAML form back: %w", err)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false) // PromQL's > and < stay readable
		if err := enc.Encode(doc); err != nil {
			return fmt.Errorf("writing the JSON form: %w", err)
		}
		return nil
	}
}
