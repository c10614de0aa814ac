// Package blobstore reads and writes objects in cloud object storage —
// Amazon S3 (and S3-compatible stores), Azure Blob Storage (and ADLS Gen2
// accounts, through their blob endpoint) and Google Cloud Storage — through
// the gocloud.dev blob library. It has one job: open a bucket from a URL and
// credentials, and upload, download and list objects so that an object is
// visible only once its upload completed.
package blobstore

import (
	"fmt"
	"net/url"
	"path"
	"strings"
)

// Object-storage URL schemes. abfs and abfss (the Hadoop names of ADLS Gen2)
// are read as Azure Blob URLs.
const (
	SchemeS3    = "s3"
	SchemeAzure = "azblob"
	SchemeGCS   = "gs"
)

// IsURL reports whether an output location is a URL rather than a local
// path.
func IsURL(s string) bool { return strings.Contains(s, "://") }

// Location is a parsed object-storage URL: a bucket (an Azure container),
// a key prefix inside it and driver options from the query string.
type Location struct {
	Scheme string // s3, azblob or gs
	Bucket string
	Prefix string // without leading or trailing slash; "" for the bucket's root
	// Account is the Azure storage account named by an abfs(s) URL
	// (container@account.dfs.core.windows.net); empty otherwise.
	Account string
	// Domain is the Azure storage domain of an abfs(s) URL, mapped to the
	// blob endpoint (dfs.core.windows.net becomes blob.core.windows.net).
	Domain string
	Query  url.Values
}

// Parse reads s3://bucket/prefix, azblob://container/prefix,
// abfs[s]://container@account.dfs.core.windows.net/prefix and
// gs://bucket/prefix, each with optional query parameters (see Open).
func Parse(s string) (Location, error) {
	u, err := url.Parse(s)
	if err != nil {
		return Location{}, fmt.Errorf("%q is not a valid URL: %w", Redact(s), err)
	}
	loc := Location{Query: u.Query()}
	switch strings.ToLower(u.Scheme) {
	case "s3":
		loc.Scheme = SchemeS3
	case "gs":
		loc.Scheme = SchemeGCS
	case "azblob":
		loc.Scheme = SchemeAzure
	case "abfs", "abfss":
		loc.Scheme = SchemeAzure
		if u.User != nil {
			loc.Account, loc.Domain, _ = strings.Cut(u.Hostname(), ".")
			loc.Domain = strings.Replace(loc.Domain, "dfs.", "blob.", 1)
			if u.Port() != "" {
				loc.Domain += ":" + u.Port()
			}
			u.Host = u.User.Username()
			u.User = nil
		}
	default:
		return Location{}, fmt.Errorf("%q: unsupported URL scheme %q: use s3://bucket/prefix, azblob://container/prefix (or abfss://container@account.dfs.core.windows.net/prefix), gs://bucket/prefix or a local folder", Redact(s), u.Scheme)
	}
	if u.User != nil {
		return Location{}, fmt.Errorf("%q: credentials do not belong in the URL; use the cloud's usual environment variables or configuration (see docs/object-storage.md)", Redact(s))
	}
	loc.Bucket = u.Host
	if loc.Bucket == "" {
		return Location{}, fmt.Errorf("%q names no bucket: write %s://BUCKET/PREFIX", Redact(s), loc.Scheme)
	}
	p := strings.Trim(u.Path, "/")
	if p != "" {
		p = path.Clean(p)
		if p == ".." || strings.HasPrefix(p, "../") {
			return Location{}, fmt.Errorf("%q: the prefix must not climb out of the bucket", Redact(s))
		}
	}
	loc.Prefix = p
	return loc, nil
}

// String is the location without its query string, for messages.
func (l Location) String() string {
	s := l.Scheme + "://" + l.Bucket
	if l.Prefix != "" {
		s += "/" + l.Prefix
	}
	return s
}

// Key is the object key of rel (a slash-separated path relative to the
// location), including the prefix.
func (l Location) Key(rel string) string {
	if l.Prefix == "" {
		return rel
	}
	return l.Prefix + "/" + rel
}

// Redact hides the query string of a URL when it carries anything that
// looks like a secret (a SAS signature, a key or a token), for messages.
func Redact(s string) string {
	// user:password@ in front of the host goes too.
	if scheme, rest, ok := strings.Cut(s, "://"); ok {
		host, _, _ := strings.Cut(rest, "/")
		if at := strings.LastIndexByte(host, '@'); at >= 0 {
			s = scheme + "://***@" + rest[at+1:]
		}
	}
	i := strings.IndexByte(s, '?')
	if i < 0 {
		return s
	}
	q := strings.ToLower(s[i+1:])
	for _, w := range []string{"sig=", "key", "token", "secret", "password", "credential"} {
		if strings.Contains(q, w) {
			return s[:i+1] + "***"
		}
	}
	return s
}
