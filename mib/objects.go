package mib

import (
	"fmt"
	"strings"
)

// Syntax is an object's SMI syntax as devices send it.
type Syntax uint8

const (
	SyntaxText      Syntax = iota // OCTET STRING (addresses too: both MIBs send them as text)
	SyntaxGauge                   // Gauge32 (firewall numbers)
	SyntaxInteger                 // Integer32 (router numbers)
	SyntaxIPAddress               // IpAddress (one PKI object; every address the MIBs use for peers is text)
)

// Object is a varbind object a notification carries.
type Object struct {
	OID    string // the object, without instance
	Name   string // its MIB name
	Syntax Syntax
	Field  Field // what it fills in an event; FieldNone when only counted
}

// objectRoot is a subtree of objects that share one instance form. Objects
// are named by the one arc below the root; the rest of a varbind's OID is the
// instance (".0" for a scalar, a table index for a column), which decoders
// ignore because firmware differs (with or without ".0").
type objectRoot struct {
	oid      string
	instance string // what senders append
	objects  map[string]Object
}

// The object subtrees both MIB families send from.
var objectRoots = []*objectRoot{
	{oid: "1.3.6.1.4.1.2011.6.122.26.5", instance: ".0"},
	// Tunnel table columns are sent with the table index
	// IfIndex.PolicyNum.TunnelIndex as their instance.
	{oid: "1.3.6.1.4.1.2011.6.122.26.2.1", instance: ".3.10.1"},
	{oid: "1.3.6.1.4.1.2011.5.25.224.1.19", instance: ".0"},
	{oid: "1.3.6.1.4.1.2011.5.25.224.1.22", instance: ".0"},
	{oid: "1.3.6.1.4.1.2011.5.25.224.1.1", instance: ".0"},
}

var objects = func() map[string]Object {
	m := make(map[string]Object, len(objectTable))
	for _, o := range objectTable {
		if _, dup := m[o.OID]; dup {
			panic("mib: object listed twice: " + o.OID)
		}
		r, arc := rootOf(o.OID)
		if r == nil || strings.Contains(arc, ".") {
			panic(fmt.Sprintf("mib: object %s %s is not one arc below an object root", o.Name, o.OID))
		}
		if r.objects == nil {
			r.objects = map[string]Object{}
		}
		r.objects[arc] = o
		m[o.OID] = o
	}
	return m
}()

func rootOf(oid string) (*objectRoot, string) {
	for _, r := range objectRoots {
		if rest, ok := strings.CutPrefix(oid, r.oid); ok && len(rest) > 1 && rest[0] == '.' {
			return r, rest[1:]
		}
	}
	return nil, ""
}

// ObjectOf finds the catalogued object a varbind name (without leading dot)
// is an instance of, whatever its instance suffix. It allocates nothing: the
// decoder calls it for every varbind.
func ObjectOf(varbind string) (Object, bool) {
	r, rest := rootOf(varbind)
	if r == nil {
		return Object{}, false
	}
	arc := rest
	if i := strings.IndexByte(rest, '.'); i >= 0 {
		arc = rest[:i]
	}
	o, ok := r.objects[arc]
	return o, ok
}

// InstanceOf is the instance suffix senders append to an object: ".0" for a
// scalar, a tunnel-table index for a column.
func InstanceOf(o Object) string {
	r, _ := rootOf(o.OID)
	if r == nil {
		return ".0"
	}
	return r.instance
}

// ObjectByOID looks an object up by its OID (no instance).
func ObjectByOID(oid string) (Object, bool) {
	o, ok := objects[oid]
	return o, ok
}
