package email

import "html/template"

// pageData fills the unsubscribe pages.
type pageData struct {
	Title    string
	Business string
	Email    string
	Ask      bool // the confirmation question with its button
	Done     bool // unsubscribed
	Bad      bool // the token did not verify
	Failed   bool // the unsubscriber failed
}

// pages is the one small template behind every unsubscribe page. The form
// posts back to the same URL, so the token never has to be copied into it.
var pages = template.Must(template.New("unsubscribe").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{.Title}}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}
button{font-size:1rem;padding:.6rem 1.2rem;cursor:pointer}
.muted{color:#666;font-size:.9rem}
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{- if .Ask}}
<p>Stop all marketing email{{with .Business}} from {{.}}{{end}} to <strong>{{.Email}}</strong>?</p>
<form method="post"><button type="submit">Unsubscribe</button></form>
{{- else if .Done}}
<p><strong>{{.Email}}</strong> will get no more marketing email{{with .Business}} from {{.}}{{end}}.</p>
<p class="muted">It takes effect at once. You can close this page.</p>
{{- else if .Bad}}
<p>This unsubscribe link is invalid or incomplete. Please use the whole link from the email, or reply to the email and ask to be removed.</p>
{{- else if .Failed}}
<p>Something went wrong and you are not unsubscribed yet. Please try again in a minute.</p>
<form method="post"><button type="submit">Try again</button></form>
{{- end}}
</body>
</html>
`))
