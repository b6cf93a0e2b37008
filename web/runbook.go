package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	gmtext "github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/alerts"
)

// renderRunbook turns the generated runbook (the same Markdown as
// docs/runbook.md) into HTML. Raw HTML is kept because the runbook's
// anchors are <a id=...> elements, and every runbook_url of the shipped
// rules points at one of them. That is safe here: the runbook is generated
// from the compiled-in catalogues, never from anything a device sent.
func renderRunbook() (template.HTML, error) {
	var md bytes.Buffer
	if err := alerts.RenderRunbook(&md); err != nil {
		return "", fmt.Errorf("generating the runbook: %w", err)
	}
	conv := goldmark.New(
		goldmark.WithExtensions(extension.Table),
		// Headings get the ids GitHub gives them, so a link such as
		// #tunnel-teardowns works here as it does on docs/runbook.md.
		goldmark.WithParserOptions(parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(labelCells{}, 500))),
		goldmark.WithRendererOptions(html.WithUnsafe()),
	)
	var out bytes.Buffer
	if err := conv.Convert(md.Bytes(), &out); err != nil {
		return "", fmt.Errorf("rendering the runbook: %w", err)
	}
	return template.HTML(out.String()), nil //nolint:gosec // generated from the catalogues, see above
}

// labelCells gives every body cell of the runbook's tables the name of its
// column (data-label) and the table the class "stack", so that on a phone a
// row shows as a card of labelled lines, as the other pages' tables do.
type labelCells struct{}

func (labelCells) Transform(doc *ast.Document, reader gmtext.Reader, _ parser.Context) {
	src := reader.Source()
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		table, ok := n.(*extast.Table)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		table.SetAttributeString("class", []byte("stack"))
		var labels []string
		for row := table.FirstChild(); row != nil; row = row.NextSibling() {
			i := 0
			for cell := row.FirstChild(); cell != nil; cell, i = cell.NextSibling(), i+1 {
				if _, header := row.(*extast.TableHeader); header {
					labels = append(labels, plainText(cell, src))
				} else if i < len(labels) {
					cell.SetAttributeString("data-label", []byte(labels[i]))
				}
			}
		}
		return ast.WalkSkipChildren, nil
	})
}

// plainText is the text of a node and its descendants, without markup.
func plainText(n ast.Node, src []byte) string {
	var b bytes.Buffer
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			b.Write(t.Segment.Value(src))
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

func (p *Pages) runbookPage(w http.ResponseWriter, r *http.Request) {
	p.render(w, r, http.StatusOK, "runbook.html", page{Title: "Runbook", Nav: "runbook", Data: p.runbook})
}
