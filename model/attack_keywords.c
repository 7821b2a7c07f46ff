/* Attack indicators (see attack_keywords.h). */
#include "model/attack_keywords.h"

#include <pthread.h>
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

/* Every token of every class, indexed by its first byte, so one pass over the text finds
 * them all (the collector runs this on every record; a strstr per token was a fifth of
 * its CPU). Counting is per token, leftmost and non-overlapping, as repeated strstr
 * would count. */
#define TOKENS_MAX 160

typedef struct token_ref {
    const char *text;
    unsigned char len;
    unsigned char cls;
} token_ref;

static token_ref tokens[TOKENS_MAX];
#define SAME_FIRST_MAX 40 /* most tokens sharing a first byte (29 start with '.') */
static unsigned char first_index[256][SAME_FIRST_MAX + 1]; /* token ids + 1; 0 ends */
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

static void index_class(const char *const *list, unsigned char cls, size_t *n)
{
    for (size_t i = 0; list[i] && *n < TOKENS_MAX; i++, (*n)++) {
        tokens[*n].text = list[i];
        tokens[*n].len = (unsigned char)strlen(list[i]);
        tokens[*n].cls = cls;
        unsigned char *slot = first_index[(unsigned char)list[i][0]];
        size_t k = 0;
        while (k < SAME_FIRST_MAX && slot[k])
            k++;
        if (k < SAME_FIRST_MAX)
            slot[k] = (unsigned char)(*n + 1);
    }
}

static void build_index(void)
{
    size_t n = 0;
    index_class(sqli_tokens, SF_ATTACK_SQLI, &n);
    index_class(xss_tokens, SF_ATTACK_XSS, &n);
    index_class(traversal_tokens, SF_ATTACK_TRAVERSAL, &n);
    index_class(injection_tokens, SF_ATTACK_INJECTION, &n);
    index_class(backup_ext_tokens, SF_ATTACK_BACKUP_EXT, &n);
}

/* Adds the counts of the classes in [first_cls, last_cls] found in text. */
static void scan(const char *text, int first_cls, int last_cls, size_t *counts)
{
    pthread_once(&index_once, build_index);
    size_t next_ok[TOKENS_MAX] = {0}; /* where each token may match again */
    size_t len = strlen(text);
    for (size_t i = 0; i < len; i++) {
        const unsigned char *cand = first_index[(unsigned char)text[i]];
        for (; *cand; cand++) {
            size_t t = *cand - 1u;
            const token_ref *tok = &tokens[t];
            if (tok->cls < first_cls || tok->cls > last_cls || i < next_ok[t] ||
                tok->len > len - i || memcmp(text + i, tok->text, tok->len) != 0)
                continue;
            counts[tok->cls]++;
            next_ok[t] = i + tok->len;
        }
    }
}

void sf_attack_count(const char *text, size_t counts[SF_ATTACK_CLASS_COUNT])
{
    scan(text, SF_ATTACK_SQLI, SF_ATTACK_INJECTION, counts);
}

size_t sf_backup_ext_count(const char *path)
{
    size_t counts[SF_ATTACK_CLASS_COUNT] = {0};
    scan(path, SF_ATTACK_BACKUP_EXT, SF_ATTACK_BACKUP_EXT, counts);
    return counts[SF_ATTACK_BACKUP_EXT];
}
