/* Attack indicators (see attack_keywords.h). */
#include "model/attack_keywords.h"

#include <pthread.h>
#include <string.h>

enum {
    STRONG = 1,  /* an attack on its own: the payload detector flags it */
    PREFIX = 2,  /* no boundary needed after it ("onmouse" in "onmouseover") */
    HEX = 4,     /* "0x": hex digits must follow (and a boundary after them) */
    HANDLER = 8, /* an event handler: letters, optional spaces, then '=' must follow */
    CMDEND = 16, /* a command: the text ends, or a space or shell operator follows */
    CLOSED = 32, /* "`": a letter follows and another "`" closes it (command substitution) */
};

typedef struct token_def {
    const char *text;
    int flags;
} token_def;

static const token_def sqli_tokens[] = {
    {"select ", 0}, {"union ", 0}, {"insert ", 0}, {"update ", 0}, {"delete ", 0},
    {"drop ", 0}, {"truncate ", 0}, {" or ", 0}, {" and ", 0}, {"--", 0}, {"/*", 0},
    {"*/", 0}, {"1=1", STRONG}, {"'=", 0}, {"' or", STRONG}, {"\" or", STRONG},
    {"' and", STRONG}, {"char(", 0}, {"concat(", 0}, {"sleep(", STRONG},
    {"benchmark(", STRONG}, {"exec ", 0}, {"xp_", PREFIX}, {"xp_cmdshell", STRONG},
    {"waitfor ", 0}, {"waitfor delay", STRONG}, {"information_schema", STRONG}, {"';", 0},
    {"\";", 0}, {"having ", 0}, {"order by", 0}, {"group by", 0}, {"@@", 0},
    {"@@version", STRONG}, {"0x", HEX}, {"cast(", 0}, {"convert(", 0}, {"null,", 0},
    {"union select", STRONG}, {"union all select", STRONG}, {"drop table", STRONG},
    {"insert into", STRONG}, {"'--", STRONG}, {"' --", STRONG}, {"load_file(", STRONG},
    {"pg_sleep(", STRONG}, {NULL, 0}};
static const token_def xss_tokens[] = {
    {"<script", STRONG}, {"</script", STRONG}, {"javascript:", STRONG},
    {"vbscript:", STRONG}, {"onerror", STRONG | HANDLER}, {"onload", STRONG | HANDLER},
    {"onmouse", STRONG | PREFIX | HANDLER}, {"onfocus", STRONG | HANDLER},
    {"alert(", STRONG}, {"prompt(", STRONG}, {"<img", STRONG}, {"<iframe", STRONG},
    {"<svg", STRONG}, {"<body", STRONG}, {"<a ", 0}, {"document.", 0},
    {"document.cookie", STRONG}, {"window.", 0}, {"eval(", STRONG}, {"src=", 0},
    {"href=", 0}, {"expression(", STRONG}, {"<style", STRONG}, {"<meta", STRONG},
    {"<object", STRONG}, {NULL, 0}};
static const token_def traversal_tokens[] = {
    {"../", STRONG}, {"..\\", STRONG}, {"/etc/", 0}, {"/etc/passwd", STRONG},
    {"/etc/shadow", STRONG}, {"passwd", 0}, {"boot.ini", STRONG}, {"win.ini", STRONG},
    {"/proc/", 0}, {"/proc/self", STRONG}, {"c:\\", STRONG}, {"web-inf", STRONG},
    {"\x01", 0}, {"file:", 0}, {"file://", STRONG}, {"php://", STRONG},
    {".htaccess", STRONG}, {".htpasswd", STRONG}, {"/.git", STRONG}, {"/.svn", STRONG},
    {"/.env", STRONG}, {NULL, 0}};
static const token_def injection_tokens[] = {
    {"|", 0}, {"`", 0}, {"`", STRONG | CLOSED}, {"$(", STRONG}, {"${", STRONG}, {";ls", STRONG},
    {"; ls", STRONG}, {";id", STRONG | CMDEND}, {"; id", STRONG | CMDEND}, {"|id", STRONG | CMDEND},
    {"| id", STRONG | CMDEND}, {";cat ", STRONG}, {"; cat ", STRONG}, {"|cat ", STRONG},
    {"| cat ", STRONG}, {";whoami", STRONG | CMDEND}, {"|whoami", STRONG | CMDEND},
    {"&&whoami", STRONG | CMDEND}, {"&& whoami", STRONG | CMDEND}, {"() {", STRONG},
    {"cmd.exe", STRONG}, {"/bin/", 0}, {"/bin/sh", STRONG}, {"/bin/bash", STRONG},
    {"\r", 0}, {"\n", 0}, {"\r\n", STRONG}, {"<!--#", STRONG}, {"wget ", 0},
    {"wget http", STRONG}, {"curl ", 0}, {"curl http", STRONG}, {"&&", 0}, {"nc -", 0},
    {"exec(", STRONG}, {"system(", STRONG}, {"%n", 0}, {"%s%s", 0}, {"(&", 0}, {"(|", 0},
    {"*)(", 0}, {"' and '", 0}, {NULL, 0}};
/* Files a site does not mean to serve: backups, editor leftovers, configuration, source and
 * databases. Not the formats sites publish for download (archives, .jar, .exe, .log): on a
 * real site those are ordinary requests. */
static const token_def backup_ext_tokens[] = {
    {".bak", 0}, {".old", 0}, {".orig", 0}, {".inc", 0}, {".cfg", 0}, {".conf", 0},
    {".config", 0}, {".sql", 0}, {".swp", 0}, {"~", 0}, {".tmp", 0},
    {".save", 0}, {".copy", 0}, {".war", 0}, {".ini", 0}, {".java", 0}, {".class", 0},
    {".ds_store", 0}, {".dat", 0}, {".db", 0}, {".mdb", 0}, {".sh", 0}, {NULL, 0}};

/* Every token of every class, indexed by its first byte, so one pass over the text finds
 * them all (the collector runs this on every record; a strstr per token was a fifth of
 * its CPU). Counting is per token, leftmost and non-overlapping, as repeated strstr
 * would count. */
#define TOKENS_MAX 200

typedef struct token_ref {
    const char *text;
    unsigned char len;
    unsigned char cls;
    unsigned char flags;
    unsigned char word_start, word_end; /* first / last byte is a word character */
} token_ref;

static token_ref tokens[TOKENS_MAX];
#define SAME_FIRST_MAX 40 /* most tokens sharing a first byte (29 start with '.') */
static unsigned char first_index[256][SAME_FIRST_MAX + 1]; /* token ids + 1; 0 ends */
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

static int is_word(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80 ||
           (c >= 'A' && c <= 'Z');
}

static int is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static void index_class(const token_def *list, unsigned char cls, size_t *n)
{
    for (size_t i = 0; list[i].text && *n < TOKENS_MAX; i++, (*n)++) {
        token_ref *t = &tokens[*n];
        t->text = list[i].text;
        t->len = (unsigned char)strlen(list[i].text);
        t->cls = cls;
        t->flags = (unsigned char)list[i].flags;
        t->word_start = (unsigned char)is_word((unsigned char)t->text[0]);
        t->word_end = (unsigned char)is_word((unsigned char)t->text[t->len - 1]);
        unsigned char *slot = first_index[(unsigned char)list[i].text[0]];
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

/* Does tok match text at i, boundaries and follow-up conditions included? On a match,
 * *end is where the matched text ends. */
static int matches_at(const token_ref *tok, const char *text, size_t len, size_t i,
                      size_t *end)
{
    if (tok->len > len - i || memcmp(text + i, tok->text, tok->len) != 0)
        return 0;
    if (tok->word_start && i > 0 && is_word((unsigned char)text[i - 1]))
        return 0;
    size_t j = i + tok->len;
    if (tok->flags & HEX) {
        size_t digits = 0;
        while (j < len && is_hex((unsigned char)text[j]))
            j++, digits++;
        if (digits < 2 || (j < len && is_word((unsigned char)text[j])))
            return 0;
    } else if (tok->flags & HANDLER) {
        while (j < len && text[j] >= 'a' && text[j] <= 'z')
            j++;
        if (!(tok->flags & PREFIX) && j != i + tok->len)
            return 0; /* "onloadx": another word */
        while (j < len && (text[j] == ' ' || text[j] == '\t' || text[j] == '/'))
            j++;
        if (j >= len || text[j] != '=')
            return 0;
        j++;
    } else if (tok->flags & CMDEND) {
        if (j < len && !strchr(" \t;|&`)", text[j]))
            return 0;
    } else if (tok->flags & CLOSED) {
        if (j >= len || text[j] < 'a' || text[j] > 'z' || !memchr(text + j, '`', len - j))
            return 0;
        j = (size_t)((const char *)memchr(text + j, '`', len - j) - text) + 1;
    } else if (tok->word_end && !(tok->flags & PREFIX) && j < len &&
               is_word((unsigned char)text[j])) {
        return 0;
    }
    *end = j;
    return 1;
}

/* Adds the counts of the classes in [first_cls, last_cls] found in text; with strong set,
 * stops at the first strong token and describes it. */
static int scan(const char *text, int first_cls, int last_cls, size_t *counts,
                sf_attack_match *strong)
{
    pthread_once(&index_once, build_index);
    size_t next_ok[TOKENS_MAX] = {0}; /* where each token may match again */
    size_t len = strlen(text);
    for (size_t i = 0; i < len; i++) {
        const unsigned char *cand = first_index[(unsigned char)text[i]];
        for (; *cand; cand++) {
            size_t t = *cand - 1u, end;
            const token_ref *tok = &tokens[t];
            if (tok->cls < first_cls || tok->cls > last_cls || i < next_ok[t] ||
                (strong && !(tok->flags & STRONG)) || !matches_at(tok, text, len, i, &end))
                continue;
            if (strong) {
                strong->cls = tok->cls;
                strong->token = tok->text;
                strong->at = i;
                strong->len = end - i;
                return 1;
            }
            counts[tok->cls]++;
            next_ok[t] = i + tok->len;
        }
    }
    return 0;
}

void sf_attack_count(const char *text, size_t counts[SF_ATTACK_CLASS_COUNT])
{
    scan(text, SF_ATTACK_SQLI, SF_ATTACK_INJECTION, counts, NULL);
}

size_t sf_backup_ext_count(const char *path)
{
    size_t counts[SF_ATTACK_CLASS_COUNT] = {0};
    scan(path, SF_ATTACK_BACKUP_EXT, SF_ATTACK_BACKUP_EXT, counts, NULL);
    return counts[SF_ATTACK_BACKUP_EXT];
}

int sf_attack_find_strong(const char *text, sf_attack_match *match)
{
    return scan(text, SF_ATTACK_SQLI, SF_ATTACK_INJECTION, NULL, match);
}

const char *sf_attack_class_label(int cls)
{
    static const char *const labels[] = {"SQL injection", "cross-site scripting",
                                         "path traversal / file access",
                                         "command / CRLF / SSI injection",
                                         "backup or config file"};
    return cls >= 0 && cls < SF_ATTACK_CLASS_COUNT ? labels[cls] : "attack";
}
