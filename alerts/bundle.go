package alerts

import (
	"bytes"
	"fmt"
	"io"

	"gopkg.in/yaml.v3"
)

// RenderRulesBundle writes every rule file as one Prometheus rule file: the
// groups of each file in order, each file's explanatory header above its
// first group. Group names are unique across the files, so Prometheus loads
// the bundle as it loads the separate files. header, if not empty, is
// written at the top as a comment.
func RenderRulesBundle(w io.Writer, o Options, header string) error {
	all := &yaml.Node{Kind: yaml.SequenceNode}
	for _, f := range RuleFiles() {
		var b bytes.Buffer
		if err := f.Render(&b, o); err != nil {
			return fmt.Errorf("%s: %w", f.Path, err)
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(b.Bytes(), &doc); err != nil {
			return fmt.Errorf("%s: %w", f.Path, err)
		}
		groups := mappingValue(doc.Content[0], "groups")
		if groups == nil || groups.Kind != yaml.SequenceNode || len(groups.Content) == 0 {
			return fmt.Errorf("%s: no rule groups", f.Path)
		}
		first := groups.Content[0]
		first.HeadComment = joinComments("# ---- "+f.Path+" ----\n#", doc.HeadComment, first.HeadComment)
		all.Content = append(all.Content, groups.Content...)
	}
	out := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Value: "groups"}, all,
	}}
	if header != "" {
		if _, err := io.WriteString(w, comment(header)+"\n"); err != nil {
			return err
		}
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(out); err != nil {
		return err
	}
	return enc.Close()
}

func joinComments(cs ...string) string {
	var b bytes.Buffer
	for _, c := range cs {
		if c == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(c)
	}
	return b.String()
}
