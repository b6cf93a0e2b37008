package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// crawl follows every link and stylesheet from start, on the test server
// only, and fails on any that does not answer 200 or whose #fragment is not
// an id on the target page. It returns how many pages it fetched.
func crawl(t *testing.T, client *http.Client, start string) int {
	t.Helper()
	type target struct{ url, from string }
	queue := []target{{start, "(start)"}}
	seen := map[string]bool{}
	ids := map[string]map[string]bool{} // page URL -> ids on it
	var fragments []target
	base, _ := url.Parse(start)
	for len(queue) > 0 && len(seen) < 1000 {
		cur := queue[0]
		queue = queue[1:]
		u, _ := url.Parse(cur.url)
		if u.Fragment != "" {
			fragments = append(fragments, cur)
		}
		u.Fragment = ""
		if seen[u.String()] {
			continue
		}
		seen[u.String()] = true
		resp, err := client.Get(u.String())
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s (linked from %s): %d", u, cur.from, resp.StatusCode)
			continue
		}
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			continue
		}
		doc, err := html.Parse(strings.NewReader(string(body)))
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		ids[u.String()] = map[string]bool{}
		walk(doc, func(n *html.Node) {
			if id, ok := attr(n, "id"); ok {
				ids[u.String()][id] = true
			}
			href, ok := attr(n, "href")
			if !ok || (n.Data != "a" && n.Data != "link") {
				return
			}
			ref, err := url.Parse(href)
			if err != nil {
				t.Errorf("%s: bad link %q", u, href)
				return
			}
			next := u.ResolveReference(ref)
			if next.Host != base.Host {
				t.Errorf("%s links outside the exporter: %s", u, href)
				return
			}
			if !strings.HasPrefix(next.Path, base.Path) {
				t.Errorf("%s: link %q leaves the prefix %s", u, href, base.Path)
				return
			}
			queue = append(queue, target{next.String(), u.String()})
		})
	}
	for _, f := range fragments {
		u, _ := url.Parse(f.url)
		frag := u.Fragment
		u.Fragment = ""
		if on, ok := ids[u.String()]; ok && !on[frag] {
			t.Errorf("%s links to %s#%s, which has no such id", f.from, u, frag)
		}
	}
	return len(seen)
}

// TestEveryLinkResolves crawls the pages as a person clicking through them
// would, at the root and behind a reverse proxy that adds a path prefix.
func TestEveryLinkResolves(t *testing.T) {
	s := newSite(t, testEvents, Options{})
	pages := crawl(t, s.Client(), s.URL+"/")
	// Home, events, reasons, runbook, the stylesheet, every reason's page...
	if pages < 70 {
		t.Errorf("the crawl reached only %d pages", pages)
	}

	mux := http.NewServeMux()
	mux.Handle("/ipsec/", http.StripPrefix("/ipsec", s.Config.Handler))
	proxied := httptest.NewServer(mux)
	defer proxied.Close()
	if n := crawl(t, proxied.Client(), proxied.URL+"/ipsec/"); n != pages {
		t.Errorf("behind a prefix the crawl reached %d pages, at the root %d", n, pages)
	}
}
