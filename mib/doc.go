// Package mib holds the facts the exporter decodes Huawei IPSec traps with:
// the OIDs of the notifications and of their varbinds, the notification
// catalogue, and the catalogue of negotiation-failure reason codes with their
// causes and remediation procedures.
//
// It is the single source of truth for everything derived from those facts:
// metric label values (reason slugs, notification names), generated alert
// rules and runbooks, and dashboard value mappings. It therefore does no I/O
// and holds no mutable state; every accessor returns a copy, so a caller can
// never change what another caller sees.
//
// The reason texts, causes and vendor procedures are copied word for word from
// Huawei's alarm reference ALM-4285734925 (IPSEC/4/IPSECNEGOFAIL), because
// operators search for those exact strings in the vendor documentation. Where
// the reference gives no procedure, the project's own guidance is used and
// marked as such (Group.Vendor is false), so that nothing generated from the
// catalogue passes the project's words off as the vendor's.
package mib
