// Package web holds the web UI of `serve`: an HTML page, a script and a
// style sheet, embedded in the binary so the UI needs no network access.
package web

import (
	"embed"
	"io/fs"
)

// files are the UI's files, under static/.
//
//go:embed static
var files embed.FS

// Static returns the UI's files rooted at the folder that holds index.html,
// ready for http.FileServerFS.
func Static() fs.FS {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		// fs.Sub fails only on an invalid path, and "static" is valid.
		panic(err)
	}
	return sub
}
