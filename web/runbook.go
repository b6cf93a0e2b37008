package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"

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
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		goldmark.WithRendererOptions(html.WithUnsafe()),
	)
	var out bytes.Buffer
	if err := conv.Convert(md.Bytes(), &out); err != nil {
		return "", fmt.Errorf("rendering the runbook: %w", err)
	}
	return template.HTML(out.String()), nil //nolint:gosec // generated from the catalogues, see above
}

func (p *Pages) runbookPage(w http.ResponseWriter, r *http.Request) {
	p.render(w, r, http.StatusOK, "runbook.html", page{Title: "Runbook", Nav: "runbook", Data: p.runbook})
}
