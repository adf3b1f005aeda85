package volume

import "strings"

func trimAny(s, cut string) string { return strings.Trim(strings.TrimSpace(s), cut) }

func cut(s, sep string) (string, string, bool) { return strings.Cut(s, sep) }

// splitTop splits "a: b, c: d" at commas (values hold none in the
// filters clients send).
func splitTop(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return strings.Split(s, ",")
}
