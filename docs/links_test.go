// Package docs holds the documentation; its tests keep it true.
package docs

import (
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// TestRelativeLinksResolve fails on any relative link of the README or
// docs/ whose file does not exist, or whose #anchor is no heading (as
// GitHub names it) and no <a id> of that file.
func TestRelativeLinksResolve(t *testing.T) {
	docs, err := filepath.Glob("*.md")
	if err != nil {
		t.Fatal(err)
	}
	docs = append(docs, filepath.Join("..", "README.md"))
	anchors := map[string]map[string]bool{}
	anchorsOf := func(file string) map[string]bool {
		if a, ok := anchors[file]; ok {
			return a
		}
		src, err := os.ReadFile(file)
		if err != nil {
			return nil
		}
		anchors[file] = fileAnchors(src)
		return anchors[file]
	}
	for _, doc := range docs {
		src, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, link := range links(src) {
			u, err := url.Parse(link)
			if err != nil {
				t.Errorf("%s: link %q: %v", doc, link, err)
				continue
			}
			if u.Scheme != "" || u.Host != "" || strings.HasPrefix(link, "/") {
				continue // absolute: not this test's business
			}
			target := doc
			if u.Path != "" {
				target = filepath.Join(filepath.Dir(doc), filepath.FromSlash(u.Path))
				if _, err := os.Stat(target); err != nil {
					t.Errorf("%s: link %q: no file %s", doc, link, target)
					continue
				}
			}
			if u.Fragment == "" || !strings.HasSuffix(target, ".md") {
				continue
			}
			if !anchorsOf(target)[u.Fragment] {
				t.Errorf("%s: link %q: %s has no heading or anchor %q", doc, link, target, u.Fragment)
			}
		}
	}
}

var md = goldmark.New(goldmark.WithExtensions(extension.GFM))

// links are the destinations of the Markdown links and images of src, and
// the href of its HTML <a> tags.
func links(src []byte) []string {
	var out []string
	doc := md.Parser().Parse(text.NewReader(src))
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			out = append(out, string(n.Destination))
		case *ast.Image:
			out = append(out, string(n.Destination))
		}
		return ast.WalkContinue, nil
	})
	for _, m := range hrefs.FindAllSubmatch(src, -1) {
		out = append(out, string(m[1]))
	}
	return out
}

var (
	hrefs = regexp.MustCompile(`<a href="([^"]+)"`)
	ids   = regexp.MustCompile(`<a (?:id|name)="([^"]+)"`)
)

// fileAnchors are the anchors a Markdown file has on GitHub: one per
// heading (its slug, -1, -2 ... for repeats) and one per <a id>.
func fileAnchors(src []byte) map[string]bool {
	out := map[string]bool{}
	for _, m := range ids.FindAllSubmatch(src, -1) {
		out[string(m[1])] = true
	}
	seen := map[string]int{}
	doc := md.Parser().Parse(text.NewReader(src))
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		s := slug(headingText(h, src))
		if k := seen[s]; k > 0 {
			out[s+"-"+strconv.Itoa(k)] = true
		} else {
			out[s] = true
		}
		seen[s]++
		return ast.WalkSkipChildren, nil
	})
	return out
}

// headingText is the text of a heading as GitHub slugs it: code spans'
// text included, markup left out.
func headingText(h *ast.Heading, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(h, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			b.Write(n.Segment.Value(src))
		case *ast.String:
			b.Write(n.Value)
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// slug is GitHub's heading anchor: lower case, letters, digits, spaces as
// hyphens, hyphens and underscores kept, everything else dropped.
func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Port 162": "port-162",
		"Syslog input: devices that log instead of trap": "syslog-input-devices-that-log-instead-of-trap",
		"What the `negotiation` SLI measures":            "what-the-negotiation-sli-measures",
		"Alerting and SLOs":                              "alerting-and-slos",
	} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}
