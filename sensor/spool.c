/* The upload spool (see spool.h). The index is a sorted array of {seq, size} entries;
 * on disk the file name is the sequence number, zero-padded so names sort like numbers.
 * File layout: one header line "SFSPOOL1 <seq> <records> <len> <crc32> <batch_id>\n"
 * followed by the body bytes, checked on read so a torn or edited file is never sent. */
#include "sensor/spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "common/log.h"

#define SPOOL_MAGIC "SFSPOOL1"
#define SPOOL_HEADER_MAX 400

typedef struct entry {
    uint64_t seq;
    uint32_t records;
    uint64_t size;          /* bytes counted against the cap */
    unsigned char *mem;     /* in-memory mode: header-less body */
    size_t mem_len;
    char batch_id[256];     /* in-memory mode only */
} entry;

struct sf_spool {
    pthread_mutex_t mu;
    char *dir;              /* NULL = in memory */
    int dir_fd, lock_fd;
    int64_t max_bytes;
    sf_spool_policy policy;
    entry *v;
    size_t n, cap;
    uint64_t first_free_seq;
    sf_spool_counters c;
};

static void path_of(const sf_spool *sp, uint64_t seq, const char *suffix, char *out,
                    size_t size)
{
    snprintf(out, size, "%s/%020" PRIu64 "%s", sp->dir, seq, suffix);
}

static int index_insert(sf_spool *sp, const entry *e)
{
    if (sp->n == sp->cap) {
        size_t ncap = sp->cap ? sp->cap * 2 : 64;
        entry *nv = realloc(sp->v, ncap * sizeof *nv);
        if (!nv)
            return -1;
        sp->v = nv;
        sp->cap = ncap;
    }
    size_t i = sp->n;
    while (i > 0 && sp->v[i - 1].seq > e->seq) /* usually appends: seqs mostly grow */
        i--;
    memmove(&sp->v[i + 1], &sp->v[i], (sp->n - i) * sizeof *sp->v);
    sp->v[i] = *e;
    sp->n++;
    sp->c.batches++;
    sp->c.bytes += e->size;
    return 0;
}

/* Forgets entry i (and its file). */
static void index_delete(sf_spool *sp, size_t i, const char *disk_suffix_to_keep)
{
    entry *e = &sp->v[i];
    if (sp->dir) {
        char path[4096], keep[4096];
        path_of(sp, e->seq, ".batch", path, sizeof path);
        if (disk_suffix_to_keep) {
            path_of(sp, e->seq, disk_suffix_to_keep, keep, sizeof keep);
            if (rename(path, keep) != 0)
                unlink(path);
        } else if (unlink(path) != 0 && errno != ENOENT) {
            sp->c.io_errors++;
        }
    }
    free(e->mem);
    sp->c.batches--;
    sp->c.bytes -= e->size;
    memmove(&sp->v[i], &sp->v[i + 1], (sp->n - i - 1) * sizeof *sp->v);
    sp->n--;
}

static int parse_name(const char *name, uint64_t *seq)
{
    char *end;
    if (strlen(name) != 26 || strcmp(name + 20, ".batch") != 0)
        return -1;
    errno = 0;
    unsigned long long v = strtoull(name, &end, 10);
    if (errno || end != name + 20)
        return -1;
    *seq = v;
    return 0;
}

/* Indexes existing batches and removes temporary files left by a crash. */
static int scan_dir(sf_spool *sp, char *err, size_t err_size)
{
    DIR *d = fdopendir(dup(sp->dir_fd));
    if (!d) {
        snprintf(err, err_size, "spool %s: %s", sp->dir, strerror(errno));
        return -1;
    }
    struct dirent *de;
    struct stat st;
    while ((de = readdir(d)) != NULL) {
        entry e = {0};
        if (de->d_name[0] == '.' && strstr(de->d_name, ".tmp")) {
            unlinkat(sp->dir_fd, de->d_name, 0);
            continue;
        }
        if (parse_name(de->d_name, &e.seq) != 0 ||
            fstatat(sp->dir_fd, de->d_name, &st, 0) != 0 || !S_ISREG(st.st_mode))
            continue;
        e.size = (uint64_t)st.st_size;
        if (index_insert(sp, &e) != 0) {
            closedir(d);
            snprintf(err, err_size, "spool %s: out of memory", sp->dir);
            return -1;
        }
        if (e.seq >= sp->first_free_seq)
            sp->first_free_seq = e.seq + 1;
    }
    closedir(d);
    return 0;
}

static int open_dir(sf_spool *sp, const char *dir, char *err, size_t err_size)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, err_size, "spool %s: cannot create: %s", dir, strerror(errno));
        return -1;
    }
    sp->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (sp->dir_fd < 0) {
        snprintf(err, err_size, "spool %s: %s", dir, strerror(errno));
        return -1;
    }
    sp->lock_fd = openat(sp->dir_fd, ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (sp->lock_fd < 0 || flock(sp->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        snprintf(err, err_size, "spool %s: %s", dir,
                 errno == EWOULDBLOCK ? "in use by another sensor" : strerror(errno));
        return -1;
    }
    return scan_dir(sp, err, err_size);
}

sf_spool *sf_spool_open(const char *dir, int64_t max_bytes, sf_spool_policy policy,
                        char *err, size_t err_size)
{
    sf_spool *sp = calloc(1, sizeof *sp);
    if (!sp) {
        snprintf(err, err_size, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&sp->mu, NULL);
    sp->dir_fd = sp->lock_fd = -1;
    sp->max_bytes = max_bytes > 0 ? max_bytes : INT64_MAX;
    sp->policy = policy;
    sp->first_free_seq = 1;
    if (dir && (!(sp->dir = strdup(dir)) || open_dir(sp, dir, err, err_size) != 0)) {
        if (!sp->dir)
            snprintf(err, err_size, "out of memory");
        sf_spool_close(sp);
        return NULL;
    }
    if (sp->n)
        sf_log(SF_LOG_INFO, "spool: batches left by a previous run will be sent first",
               json_pack("{s:s, s:I, s:I}", "dir", dir, "batches", (json_int_t)sp->n,
                         "bytes", (json_int_t)sp->c.bytes));
    return sp;
}

void sf_spool_close(sf_spool *sp)
{
    if (!sp)
        return;
    for (size_t i = 0; i < sp->n; i++)
        free(sp->v[i].mem);
    if (!sp->dir && sp->n)
        sf_log(SF_LOG_WARN, "spool: in-memory batches lost at exit",
               json_pack("{s:I}", "batches", (json_int_t)sp->n));
    free(sp->v);
    if (sp->lock_fd >= 0)
        close(sp->lock_fd); /* releases the flock */
    if (sp->dir_fd >= 0)
        close(sp->dir_fd);
    free(sp->dir);
    pthread_mutex_destroy(&sp->mu);
    free(sp);
}

uint64_t sf_spool_first_free_seq(const sf_spool *sp) { return sp->first_free_seq; }

static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

static int format_header(char *out, uint64_t seq, uint32_t records, size_t len,
                         const void *body, const char *batch_id)
{
    unsigned long crc = crc32(0L, body, (uInt)len);
    int n = snprintf(out, SPOOL_HEADER_MAX, "%s %" PRIu64 " %" PRIu32 " %zu %08lx %s\n",
                     SPOOL_MAGIC, seq, records, len, crc, batch_id);
    return (n < 0 || n >= SPOOL_HEADER_MAX) ? -1 : n;
}

/* Temporary name, fsync, rename, fsync the directory: all of the batch or none. */
static int write_file(sf_spool *sp, uint64_t seq, const char *header, size_t hlen,
                      const void *body, size_t len)
{
    char tmp[4096], final[4096];
    snprintf(tmp, sizeof tmp, "%s/.%020" PRIu64 ".tmp", sp->dir, seq);
    path_of(sp, seq, ".batch", final, sizeof final);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    int rc = write_all(fd, header, hlen) == 0 && write_all(fd, body, len) == 0 &&
                     fsync(fd) == 0 ? 0 : -1;
    if (close(fd) != 0)
        rc = -1;
    if (rc == 0 && rename(tmp, final) == 0 && fsync(sp->dir_fd) == 0)
        return 0;
    unlink(tmp);
    return -1;
}

static void count_drop(sf_spool *sp, const char *which, uint64_t seq, uint32_t records,
                       uint64_t size)
{
    sp->c.dropped_batches++;
    sp->c.dropped_records += records;
    sp->c.dropped_bytes += size;
    sf_log(SF_LOG_WARN, "spool: size cap reached, batch dropped",
           json_pack("{s:s, s:I, s:I, s:I, s:I}", "dropped", which, "seq", (json_int_t)seq,
                     "records", (json_int_t)records, "cap_bytes", (json_int_t)sp->max_bytes,
                     "dropped_batches_total", (json_int_t)sp->c.dropped_batches));
}

/* Makes room for size bytes under the policy. Returns 0 when the new batch may go in. */
static int make_room(sf_spool *sp, uint64_t seq, uint32_t records, uint64_t size)
{
    if ((int64_t)size > sp->max_bytes) {
        count_drop(sp, "newest", seq, records, size);
        return 1;
    }
    while (sp->n > 0 && (int64_t)(sp->c.bytes + size) > sp->max_bytes) {
        if (sp->policy == SF_SPOOL_DROP_NEWEST) {
            count_drop(sp, "newest", seq, records, size);
            return 1;
        }
        count_drop(sp, "oldest", sp->v[0].seq, sp->v[0].records, sp->v[0].size);
        index_delete(sp, 0, NULL);
    }
    return 0;
}

int sf_spool_put(sf_spool *sp, uint64_t seq, const char *batch_id, uint32_t records,
                 const void *body, size_t len)
{
    char header[SPOOL_HEADER_MAX];
    int hlen = format_header(header, seq, records, len, body, batch_id);
    entry e = {.seq = seq, .records = records, .size = len + (sp->dir ? (size_t)hlen : 0)};
    if (hlen < 0)
        return -1;
    pthread_mutex_lock(&sp->mu);
    int rc = make_room(sp, seq, records, e.size);
    if (rc == 0 && !sp->dir) {
        snprintf(e.batch_id, sizeof e.batch_id, "%s", batch_id);
        e.mem = malloc(len ? len : 1);
        if (e.mem)
            memcpy(e.mem, body, len);
        e.mem_len = len;
        rc = e.mem ? 0 : -1;
    } else if (rc == 0) {
        rc = write_file(sp, seq, header, (size_t)hlen, body, len);
    }
    if (rc == 0 && index_insert(sp, &e) != 0)
        rc = -1;
    if (rc < 0) {
        free(e.mem);
        sp->c.io_errors++;
    } else if (rc == 0) {
        sp->c.stored++;
    }
    pthread_mutex_unlock(&sp->mu);
    if (rc < 0)
        sf_log(SF_LOG_ERROR, "spool: cannot store batch",
               json_pack("{s:s, s:s?, s:s}", "batch_id", batch_id, "dir", sp->dir,
                         "error", strerror(errno)));
    return rc;
}

static unsigned char *read_whole(int dir_fd, const char *name, size_t *len)
{
    int fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size > (off_t)(1u << 30)) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    unsigned char *buf = malloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (buf && got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (buf && got != (size_t)st.st_size) {
        free(buf);
        return NULL;
    }
    *len = got;
    return buf;
}

/* Checks a file's header and CRC; fills item (taking ownership of buf) or returns -1. */
static int decode_file(unsigned char *buf, size_t len, uint64_t seq, sf_spool_item *item)
{
    const unsigned char *nl = memchr(buf, '\n', len < SPOOL_HEADER_MAX ? len : SPOOL_HEADER_MAX);
    if (!nl)
        return -1;
    char header[SPOOL_HEADER_MAX + 1];
    size_t hlen = (size_t)(nl - buf);
    memcpy(header, buf, hlen);
    header[hlen] = '\0';
    uint64_t hseq;
    uint32_t records;
    size_t blen;
    unsigned long crc;
    char id[256];
    if (sscanf(header, SPOOL_MAGIC " %" SCNu64 " %" SCNu32 " %zu %lx %255s", &hseq, &records,
               &blen, &crc, id) != 5 ||
        hseq != seq || blen != len - hlen - 1 || crc32(0L, nl + 1, (uInt)blen) != crc)
        return -1;
    memmove(buf, nl + 1, blen);
    item->seq = seq;
    item->records = records;
    snprintf(item->batch_id, sizeof item->batch_id, "%s", id);
    item->body = buf;
    item->len = blen;
    return 0;
}

static int load_entry(sf_spool *sp, const entry *e, sf_spool_item *item)
{
    if (!sp->dir) {
        item->body = malloc(e->mem_len ? e->mem_len : 1);
        if (!item->body)
            return -1;
        memcpy(item->body, e->mem, e->mem_len);
        item->len = e->mem_len;
        item->seq = e->seq;
        item->records = e->records;
        snprintf(item->batch_id, sizeof item->batch_id, "%s", e->batch_id);
        return 0;
    }
    char name[64];
    size_t len = 0;
    snprintf(name, sizeof name, "%020" PRIu64 ".batch", e->seq);
    unsigned char *buf = read_whole(sp->dir_fd, name, &len);
    if (buf && decode_file(buf, len, e->seq, item) == 0)
        return 0;
    free(buf);
    return -1;
}

int sf_spool_peek(sf_spool *sp, sf_spool_item *item)
{
    memset(item, 0, sizeof *item);
    pthread_mutex_lock(&sp->mu);
    int rc = 1;
    while (sp->n > 0) {
        if (load_entry(sp, &sp->v[0], item) == 0) {
            rc = 0;
            break;
        }
        uint64_t seq = sp->v[0].seq;
        sp->c.corrupt++;
        index_delete(sp, 0, ".corrupt");
        sf_log(SF_LOG_ERROR, "spool: unreadable batch file set aside as .corrupt",
               json_pack("{s:s?, s:I}", "dir", sp->dir, "seq", (json_int_t)seq));
    }
    pthread_mutex_unlock(&sp->mu);
    return rc;
}

void sf_spool_remove(sf_spool *sp, uint64_t seq)
{
    pthread_mutex_lock(&sp->mu);
    for (size_t i = 0; i < sp->n; i++)
        if (sp->v[i].seq == seq) {
            index_delete(sp, i, NULL);
            sp->c.removed++;
            break;
        }
    pthread_mutex_unlock(&sp->mu);
}

bool sf_spool_empty(sf_spool *sp)
{
    pthread_mutex_lock(&sp->mu);
    bool empty = sp->n == 0;
    pthread_mutex_unlock(&sp->mu);
    return empty;
}

void sf_spool_get_counters(sf_spool *sp, sf_spool_counters *out)
{
    pthread_mutex_lock(&sp->mu);
    *out = sp->c;
    pthread_mutex_unlock(&sp->mu);
}

void sf_spool_item_free(sf_spool_item *item)
{
    free(item->body);
    item->body = NULL;
}
