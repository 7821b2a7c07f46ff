/* Attack indicators (see attack_keywords.h). */
#include "model/attack_keywords.h"

#include <string.h>

static const char *const sqli_tokens[] = {
    "select ", "union ", "insert ", "update ", "delete ", "drop ", "truncate ", " or ",
    " and ", "--", "/*", "*/", "1=1", "'=", "' or", "\" or", "char(", "concat(", "sleep(",
    "benchmark(", "exec ", "xp_", "waitfor ", "information_schema", "';", "\";", "having ",
    "order by", "group by", "@@", "0x", "cast(", "convert(", "null,", NULL};
static const char *const xss_tokens[] = {
    "<script", "</script", "javascript:", "vbscript:", "onerror", "onload", "onmouse",
    "onfocus", "alert(", "prompt(", "<img", "<iframe", "<svg", "<body", "<a ", "document.",
    "window.", "eval(", "src=", "href=", "expression(", "<style", "<meta", "<object", NULL};
static const char *const traversal_tokens[] = {
    "../", "..\\", "/etc/", "passwd", "boot.ini", "win.ini", "/proc/", "c:\\", "web-inf",
    "\x01", "file:", "php://", ".htaccess", ".htpasswd", "/.git", "/.svn", NULL};
static const char *const injection_tokens[] = {
    "|", "`", "$(", "${", ";ls", "; ls", "cmd.exe", "/bin/", "\r", "\n", "<!--#", "wget ",
    "curl ", "&&", "nc -", "exec(", "system(", "%n", "%s%s", "(&", "(|", "*)(", "' and '",
    NULL};
static const char *const backup_ext_tokens[] = {
    ".bak", ".old", ".orig", ".inc", ".cfg", ".conf", ".config", ".log", ".sql", ".swp",
    "~", ".tmp", ".save", ".copy", ".zip", ".tar", ".gz", ".jar", ".war", ".ini", ".java",
    ".class", ".ds_store", ".dat", ".db", ".mdb", ".sh", ".exe", ".dll", NULL};

static size_t count_occurrences(const char *text, const char *token)
{
    size_t n = 0, step = strlen(token);
    for (const char *p = strstr(text, token); p; p = strstr(p + step, token))
        n++;
    return n;
}

static size_t count_list(const char *text, const char *const *tokens)
{
    size_t n = 0;
    for (size_t i = 0; tokens[i]; i++)
        n += count_occurrences(text, tokens[i]);
    return n;
}

void sf_attack_count(const char *text, size_t counts[SF_ATTACK_CLASS_COUNT])
{
    counts[SF_ATTACK_SQLI] += count_list(text, sqli_tokens);
    counts[SF_ATTACK_XSS] += count_list(text, xss_tokens);
    counts[SF_ATTACK_TRAVERSAL] += count_list(text, traversal_tokens);
    counts[SF_ATTACK_INJECTION] += count_list(text, injection_tokens);
}

size_t sf_backup_ext_count(const char *path)
{
    return count_list(path, backup_ext_tokens);
}
