package dashboards

import (
	"fmt"
	"slices"
	"strings"
)

// A small PromQL tokenizer and walker, enough to find the selectors of a
// query with the functions and aggregations around them. The Prometheus
// parser is not a dependency of this module and is far heavier than what
// these checks need; the tokenizer is held to the queries by the tests in
// lint_test.go.

type tokKind int

const (
	tIdent tokKind = iota
	tString
	tNumber
	tVar // a Grafana variable: $name or ${name}
	tOp
	tLParen
	tRParen
	tLBrace
	tRBrace
	tLBracket
	tRBracket
	tComma
)

type token struct {
	kind tokKind
	text string
}

func isIdentStart(c byte) bool {
	return c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdentChar(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

func lex(expr string) ([]token, error) {
	var toks []token
	for i := 0; i < len(expr); {
		c := expr[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '"' || c == '\'' || c == '`':
			j := i + 1
			var val strings.Builder
			for ; j < len(expr) && expr[j] != c; j++ {
				if expr[j] == '\\' && c != '`' && j+1 < len(expr) {
					j++
				}
				val.WriteByte(expr[j])
			}
			if j >= len(expr) {
				return nil, fmt.Errorf("unterminated string at %d", i)
			}
			toks = append(toks, token{tString, val.String()})
			i = j + 1
		case c == '$':
			j := i + 1
			if j < len(expr) && expr[j] == '{' {
				k := strings.IndexByte(expr[j:], '}')
				if k < 0 {
					return nil, fmt.Errorf("unterminated ${ at %d", i)
				}
				toks = append(toks, token{tVar, "$" + expr[j+1:j+k]})
				i = j + k + 1
				continue
			}
			for j < len(expr) && isIdentChar(expr[j]) && expr[j] != ':' {
				j++
			}
			toks = append(toks, token{tVar, expr[i:j]})
			i = j
		case isIdentStart(c):
			j := i
			for j < len(expr) && isIdentChar(expr[j]) {
				j++
			}
			toks = append(toks, token{tIdent, expr[i:j]})
			i = j
		case c >= '0' && c <= '9' || c == '.':
			j := i
			for j < len(expr) && (isIdentChar(expr[j]) || expr[j] == '.') && expr[j] != ':' {
				j++
			}
			toks = append(toks, token{tNumber, expr[i:j]})
			i = j
		default:
			kinds := map[byte]tokKind{'(': tLParen, ')': tRParen, '{': tLBrace, '}': tRBrace, '[': tLBracket, ']': tRBracket, ',': tComma}
			if k, ok := kinds[c]; ok {
				toks = append(toks, token{k, string(c)})
				i++
				continue
			}
			if i+1 < len(expr) && slices.Contains([]string{"=~", "!~", "!=", "==", ">=", "<="}, expr[i:i+2]) {
				toks = append(toks, token{tOp, expr[i : i+2]})
				i += 2
				continue
			}
			if strings.IndexByte("+-*/%^<>=", c) >= 0 {
				toks = append(toks, token{tOp, string(c)})
				i++
				continue
			}
			return nil, fmt.Errorf("unexpected %q at %d", c, i)
		}
	}
	return toks, nil
}

var (
	aggregators = []string{"sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
		"bottomk", "topk", "quantile", "limitk", "limit_ratio"}
	binaryKeywords = []string{"and", "or", "unless", "bool", "offset", "inf", "nan"}
	labelListWords = []string{"by", "without", "on", "ignoring", "group_left", "group_right"}
	rangeFunctions = []string{"rate", "increase", "irate", "resets", "changes", "delta", "idelta", "deriv",
		"avg_over_time", "min_over_time", "max_over_time", "sum_over_time", "count_over_time", "last_over_time",
		"quantile_over_time", "stddev_over_time", "stdvar_over_time", "present_over_time"}
)

// frame is a parenthesis the selector is inside: a function call, an
// aggregation (with its grouping) or plain grouping (fn "").
type frame struct {
	fn      string
	agg     bool
	by      []string
	without bool
}

type matcher struct{ name, op, value string }

// selector is one vector selector of a query.
type selector struct {
	metric   string
	matchers []matcher
	hasRange bool
	rng      string  // the text between [ and ]
	frames   []frame // outermost first
}

// names returns the metric names the selector can select: its name, or the
// alternatives of a {__name__=~"a|b"} matcher.
func (s selector) names() []string {
	if s.metric != "" {
		return []string{s.metric}
	}
	for _, m := range s.matchers {
		if m.name == "__name__" {
			return strings.Split(m.value, "|")
		}
	}
	return nil
}

func (s selector) has(name, op, value string) bool {
	return slices.Contains(s.matchers, matcher{name, op, value})
}

type analysis struct {
	selectors []selector
	problems  []string // structural: postfix grouping, unbalanced parentheses
}

func analyze(expr string) (analysis, error) {
	toks, err := lex(expr)
	if err != nil {
		return analysis{}, err
	}
	var a analysis
	var stack []frame
	var pending *frame
	next := func(i int) tokKind {
		if i+1 < len(toks) {
			return toks[i+1].kind
		}
		return -1
	}
	// labelList consumes "( a, b )" starting at the "(" at i and returns the
	// labels and the index of the ")".
	labelList := func(i int) ([]string, int, error) {
		var labels []string
		for j := i + 1; j < len(toks); j++ {
			switch toks[j].kind {
			case tRParen:
				return labels, j, nil
			case tIdent:
				labels = append(labels, toks[j].text)
			case tComma:
			default:
				return nil, 0, fmt.Errorf("unexpected %q in label list", toks[j].text)
			}
		}
		return nil, 0, fmt.Errorf("unterminated label list")
	}
	for i := 0; i < len(toks); i++ {
		tk := toks[i]
		switch tk.kind {
		case tIdent:
			switch {
			case slices.Contains(labelListWords, tk.text):
				if next(i) != tLParen {
					continue // group_left without labels
				}
				labels, end, err := labelList(i + 1)
				if err != nil {
					return a, err
				}
				if tk.text == "by" || tk.text == "without" {
					if pending == nil {
						a.problems = append(a.problems, "grouping after the aggregation (write "+
							"\"sum by (x) (...)\", not \"sum(...) by (x)\")")
					} else {
						pending.by, pending.without = labels, tk.text == "without"
					}
				}
				i = end
			case slices.Contains(binaryKeywords, tk.text):
			case slices.Contains(aggregators, tk.text):
				pending = &frame{fn: tk.text, agg: true}
			case next(i) == tLParen:
				pending = &frame{fn: tk.text}
			default:
				s, end, err := parseSelector(toks, i, tk.text)
				if err != nil {
					return a, err
				}
				s.frames = slices.Clone(stack)
				a.selectors = append(a.selectors, s)
				i = end
			}
		case tLBrace:
			s, end, err := parseSelector(toks, i-1, "")
			if err != nil {
				return a, err
			}
			s.frames = slices.Clone(stack)
			a.selectors = append(a.selectors, s)
			i = end
		case tLParen:
			f := frame{}
			if pending != nil {
				f = *pending
			}
			pending = nil
			stack = append(stack, f)
		case tRParen:
			if len(stack) == 0 {
				return a, fmt.Errorf("unbalanced )")
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) != 0 {
		return a, fmt.Errorf("unbalanced (")
	}
	return a, nil
}

// parseSelector reads metric{matchers}[range] where the metric name, if
// any, is toks[i]; it returns the index of the selector's last token.
func parseSelector(toks []token, i int, metric string) (selector, int, error) {
	s := selector{metric: metric}
	j := i + 1
	if j < len(toks) && toks[j].kind == tLBrace {
		for j++; j < len(toks) && toks[j].kind != tRBrace; j++ {
			if toks[j].kind == tComma {
				continue
			}
			if j+2 >= len(toks) || toks[j].kind != tIdent || toks[j+1].kind != tOp || toks[j+2].kind != tString {
				return s, 0, fmt.Errorf("bad matcher near %q", toks[j].text)
			}
			s.matchers = append(s.matchers, matcher{toks[j].text, toks[j+1].text, toks[j+2].text})
			j += 2
		}
		if j >= len(toks) {
			return s, 0, fmt.Errorf("unterminated {")
		}
		j++
	}
	if j < len(toks) && toks[j].kind == tLBracket {
		s.hasRange = true
		var parts []string
		for j++; j < len(toks) && toks[j].kind != tRBracket; j++ {
			parts = append(parts, toks[j].text)
		}
		if j >= len(toks) {
			return s, 0, fmt.Errorf("unterminated [")
		}
		s.rng = strings.Join(parts, "")
		j++
	}
	return s, j - 1, nil
}
