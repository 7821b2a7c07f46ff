/* The embedded PostgreSQL server: initdb on first use, start on a private Unix socket,
 * wait until it accepts connections, fast shutdown on stop (see pg_embedded.h). */
#include "collector/pg_embedded.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <glob.h>
#include <libpq-fe.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"

#define PG_DB_NAME "securaflow"
#define PG_USER_NAME "securaflow"

struct sf_pg_embedded {
    pid_t pid;
    char dir[PATH_MAX];
    char conninfo[PATH_MAX * 2 + 128];
};

const char *sf_pg_find_bindir(void)
{
    static char found[PATH_MAX];
    const char *env = getenv("SECURAFLOW_PG_BINDIR");
    if (env && *env) {
        snprintf(found, sizeof found, "%s/postgres", env);
        if (access(found, X_OK) != 0)
            return NULL;
        snprintf(found, sizeof found, "%s", env);
        return found;
    }
    glob_t g;
    found[0] = '\0';
    if (glob("/usr/lib/postgresql/*/bin/postgres", 0, NULL, &g) == 0) {
        /* glob sorts; the last is the newest major version (compare numerically). */
        long best = -1;
        for (size_t i = 0; i < g.gl_pathc; i++) {
            long major = strtol(g.gl_pathv[i] + strlen("/usr/lib/postgresql/"), NULL, 10);
            if (major > best) {
                best = major;
                snprintf(found, sizeof found, "%.*s", (int)(strlen(g.gl_pathv[i]) - 9),
                         g.gl_pathv[i]);
            }
        }
        globfree(&g);
    }
    return found[0] ? found : NULL;
}

static void msleep(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* As root, PostgreSQL must run as another user: the Debian "postgres" account. */
static int server_account(uid_t *uid, gid_t *gid, char *err, size_t err_size)
{
    *uid = geteuid();
    *gid = getegid();
    if (*uid != 0)
        return 0;
    struct passwd *pw = getpwnam("postgres");
    if (!pw) {
        snprintf(err, err_size, "running as root, and PostgreSQL will not: the 'postgres' "
                                "account is missing (apt-get install postgresql), or run as a "
                                "normal user");
        return -1;
    }
    *uid = pw->pw_uid;
    *gid = pw->pw_gid;
    return 0;
}

/* Runs argv (a server binary) as uid/gid with output appended to log_path and waits
 * for it; in daemon mode returns the pid without waiting. */
static pid_t spawn(char *const argv[], uid_t uid, gid_t gid, const char *log_path, int daemon)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd >= 0) {
        if (fchown(fd, uid, gid)) { /* the log is then only root's: harmless */ }
        dup2(fd, 1);
        dup2(fd, 2);
    }
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0)
        dup2(null, 0);
    setsid(); /* a terminal's Ctrl-C goes to the collector, which stops us in order */
    if (getuid() == 0 && uid != 0 && (setgroups(0, NULL) || setgid(gid) || setuid(uid)))
        _exit(126);
    if (daemon) {
        prctl(PR_SET_PDEATHSIG, SIGINT); /* after setuid, which would clear it */
        if (getppid() != parent)
            _exit(0);
    }
    execv(argv[0], argv);
    _exit(127);
}

static int wait_exit(pid_t pid, int timeout_ms)
{
    for (int waited = 0; waited <= timeout_ms; waited += 50) {
        int status;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (r < 0)
            return -1;
        msleep(50);
    }
    return -2; /* still running */
}

static void log_tail(const char *log_path, char *err, size_t err_size, const char *what)
{
    char tail[400] = "";
    FILE *f = fopen(log_path, "r");
    if (f) {
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        fseek(f, size > (long)sizeof tail - 1 ? size - (long)sizeof tail + 1 : 0, SEEK_SET);
        size_t n = fread(tail, 1, sizeof tail - 1, f);
        tail[n] = '\0';
        fclose(f);
        for (char *p = tail; *p; p++)
            if (*p == '\n')
                *p = ' ';
    }
    snprintf(err, err_size, "%s (see %s): ...%s", what, log_path, tail);
}

static int run_initdb(const char *bindir, const char *dir, uid_t uid, gid_t gid, bool fast,
                      char *err, size_t err_size)
{
    char initdb[PATH_MAX], data[PATH_MAX], log[PATH_MAX];
    snprintf(initdb, sizeof initdb, "%s/initdb", bindir);
    snprintf(data, sizeof data, "%s/data", dir);
    snprintf(log, sizeof log, "%s/initdb.log", dir);
    char *argv[] = {initdb, "-D", data, "-E", "UTF8", "--locale=C", "-A", "trust", "-U",
                    PG_USER_NAME, fast ? "--no-sync" : "--sync-only", NULL};
    if (!fast)
        argv[10] = NULL;
    sf_logf(SF_LOG_INFO, "initialising PostgreSQL data directory %s", data);
    pid_t pid = spawn(argv, uid, gid, log, 0);
    if (pid < 0 || wait_exit(pid, 300000) != 0) {
        log_tail(log, err, err_size, "initdb failed");
        return -1;
    }
    return 0;
}

/* The parent of process pid, or -1. */
static long parent_of(long pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *close = strrchr(buf, ')'); /* comm may hold spaces: skip past it */
    long ppid = -1;
    if (!close || sscanf(close + 1, " %*c %ld", &ppid) != 1)
        return -1;
    return ppid;
}

static int comm_starts_with(long pid, const char *prefix)
{
    char path[64], comm[64] = "";
    snprintf(path, sizeof path, "/proc/%ld/comm", pid);
    FILE *f = fopen(path, "r");
    int ok = f && fgets(comm, sizeof comm, f) && strncmp(comm, prefix, strlen(prefix)) == 0;
    if (f)
        fclose(f);
    return ok;
}

/* Looks at a postmaster.pid left in DIR. A server whose owner is alive (another collector,
 * or a collector command's) is in use: its pid is returned. A server whose owner is gone
 * is stopped, and a pid file naming no postgres is removed; 0 is returned then. */
static long check_leftover_server(const char *dir)
{
    char pidfile[PATH_MAX];
    snprintf(pidfile, sizeof pidfile, "%s/data/postmaster.pid", dir);
    FILE *f = fopen(pidfile, "r");
    if (!f)
        return 0;
    long pid = 0;
    int got = fscanf(f, "%ld", &pid);
    fclose(f);
    if (got != 1 || pid <= 1 || !comm_starts_with(pid, "postgres")) {
        sf_logf(SF_LOG_WARN, "removing stale %s (pid %ld is not running postgres)", pidfile, pid);
        unlink(pidfile);
        return 0;
    }
    long owner = parent_of(pid);
    if (owner > 1 && comm_starts_with(owner, "securaflow"))
        return pid;
    sf_logf(SF_LOG_WARN, "stopping PostgreSQL (pid %ld) left running on %s", pid, dir);
    kill((pid_t)pid, SIGINT);
    for (int i = 0; i < 600 && kill((pid_t)pid, 0) == 0; i++)
        msleep(50);
    if (kill((pid_t)pid, 0) == 0)
        kill((pid_t)pid, SIGQUIT);
    return 0;
}

static int prepare_dir(const char *dir, uid_t uid, gid_t gid, char *err, size_t err_size)
{
    if (mkdir(dir, 0700) && errno != EEXIST) {
        snprintf(err, err_size, "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    if (chown(dir, uid, gid) || chmod(dir, 0700)) {
        snprintf(err, err_size, "cannot give %s to the database user: %s", dir, strerror(errno));
        return -1;
    }
    struct sockaddr_un sun;
    if (strlen(dir) + sizeof "/.s.PGSQL.5432" > sizeof sun.sun_path) {
        snprintf(err, err_size, "%s is too long for a Unix socket path (max %zu bytes)", dir,
                 sizeof sun.sun_path - sizeof "/.s.PGSQL.5432");
        return -1;
    }
    return 0;
}

static void make_conninfo(sf_pg_embedded *pg, const char *dbname)
{
    /* Single-quote the socket directory for libpq; escape quotes and backslashes. */
    char quoted[PATH_MAX * 2];
    size_t j = 0;
    for (const char *p = pg->dir; *p && j + 2 < sizeof quoted; p++) {
        if (*p == '\'' || *p == '\\')
            quoted[j++] = '\\';
        quoted[j++] = *p;
    }
    quoted[j] = '\0';
    snprintf(pg->conninfo, sizeof pg->conninfo, "host='%s' port=5432 user=%s dbname=%s "
             "connect_timeout=5", quoted, PG_USER_NAME, dbname);
}

static int wait_ready(sf_pg_embedded *pg, int timeout_s, char *err, size_t err_size)
{
    char log[PATH_MAX + 16];
    snprintf(log, sizeof log, "%s/postgres.log", pg->dir);
    for (int waited = 0; waited < timeout_s * 1000; waited += 50) {
        if (PQping(pg->conninfo) == PQPING_OK)
            return 0;
        if (wait_exit(pg->pid, 0) != -2) {
            log_tail(log, err, err_size, "PostgreSQL exited during start-up");
            pg->pid = 0;
            return -1;
        }
        msleep(50);
    }
    log_tail(log, err, err_size, "PostgreSQL did not accept connections in time");
    return -1;
}

static int ensure_database(sf_pg_embedded *pg, char *err, size_t err_size)
{
    PGconn *c = PQconnectdb(pg->conninfo);
    if (PQstatus(c) != CONNECTION_OK) {
        snprintf(err, err_size, "connect to embedded PostgreSQL: %s", PQerrorMessage(c));
        PQfinish(c);
        return -1;
    }
    PGresult *r = PQexec(c, "SELECT 1 FROM pg_database WHERE datname = '" PG_DB_NAME "'");
    int exists = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    PQclear(r);
    int rc = 0;
    if (!exists) {
        r = PQexec(c, "CREATE DATABASE " PG_DB_NAME " TEMPLATE template0 ENCODING 'UTF8'");
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            snprintf(err, err_size, "create database: %s", PQerrorMessage(c));
            rc = -1;
        }
        PQclear(r);
    }
    PQfinish(c);
    return rc;
}

static pid_t start_server(const char *bindir, sf_pg_embedded *pg, uid_t uid, gid_t gid,
                          bool fast)
{
    char postgres[PATH_MAX], data[PATH_MAX], log[PATH_MAX], sock[PATH_MAX + 64];
    snprintf(postgres, sizeof postgres, "%s/postgres", bindir);
    snprintf(data, sizeof data, "%s/data", pg->dir);
    snprintf(log, sizeof log, "%s/postgres.log", pg->dir);
    snprintf(sock, sizeof sock, "unix_socket_directories=%s", pg->dir);
    /* jit=off: the packaged unit sets MemoryDenyWriteExecute, under which LLVM's JIT
     * (on by default in Debian's server) cannot map the code it makes; our queries are
     * short, so JIT never paid for itself anyway. */
    char *argv[] = {postgres, "-D", data, "-c", "listen_addresses=", "-c", sock,
                    "-c", "unix_socket_permissions=0700", "-c", "max_connections=50",
                    "-c", "jit=off",
                    "-c", fast ? "fsync=off" : "fsync=on",
                    "-c", fast ? "synchronous_commit=off" : "synchronous_commit=on",
                    "-c", fast ? "full_page_writes=off" : "full_page_writes=on", NULL};
    return spawn(argv, uid, gid, log, 1);
}

sf_pg_embedded *sf_pg_embedded_start(const char *dir, const sf_pg_embedded_options *opts,
                                     char *err, size_t err_size)
{
    sf_pg_embedded_options defaults = {.throwaway = false, .start_timeout_s = 60};
    if (!opts)
        opts = &defaults;
    const char *bindir = sf_pg_find_bindir();
    if (!bindir) {
        snprintf(err, err_size, "PostgreSQL server binaries (initdb, postgres) not found under "
                                "/usr/lib/postgresql: install the Debian package 'postgresql' "
                                "(apt-get install postgresql), or set database_url");
        return NULL;
    }
    sf_pg_embedded *pg = calloc(1, sizeof *pg);
    uid_t uid;
    gid_t gid;
    if (!pg || !realpath(dir, pg->dir)) {
        if (pg && mkdir(dir, 0700) == 0 && realpath(dir, pg->dir)) {
            /* created */
        } else {
            snprintf(err, err_size, "cannot use %s: %s", dir, strerror(errno));
            free(pg);
            return NULL;
        }
    }
    char version_file[PATH_MAX + 32];
    snprintf(version_file, sizeof version_file, "%s/data/PG_VERSION", pg->dir);
    if (server_account(&uid, &gid, err, err_size) || prepare_dir(pg->dir, uid, gid, err, err_size) ||
        (access(version_file, F_OK) != 0 &&
         run_initdb(bindir, pg->dir, uid, gid, opts->throwaway, err, err_size))) {
        free(pg);
        return NULL;
    }
    long in_use = check_leftover_server(pg->dir);
    if (in_use && !opts->share_running) {
        snprintf(err, err_size, "%s is in use by a running collector (its PostgreSQL is pid %ld); "
                 "stop it first, or give this one another data directory", pg->dir, in_use);
        free(pg);
        return NULL;
    }
    /* A command (token create, migrate) uses a running collector's server as it is. */
    pg->pid = in_use ? 0 : start_server(bindir, pg, uid, gid, opts->throwaway);
    make_conninfo(pg, "postgres");
    if (pg->pid < 0 ||
        (pg->pid > 0 && wait_ready(pg, opts->start_timeout_s ? opts->start_timeout_s : 60, err, err_size)) ||
        ensure_database(pg, err, err_size)) {
        if (pg->pid > 0)
            sf_pg_embedded_stop(pg);
        else
            free(pg);
        return NULL;
    }
    make_conninfo(pg, PG_DB_NAME);
    if (pg->pid > 0)
        sf_logf(SF_LOG_INFO, "embedded PostgreSQL running (pid %d, socket in %s)", (int)pg->pid, pg->dir);
    return pg;
}

const char *sf_pg_embedded_conninfo(const sf_pg_embedded *pg) { return pg->conninfo; }

void sf_pg_embedded_stop(sf_pg_embedded *pg)
{
    if (!pg)
        return;
    if (pg->pid > 0) {
        kill(pg->pid, SIGINT); /* fast shutdown: roll back open transactions, checkpoint */
        int rc = wait_exit(pg->pid, 60000);
        if (rc == -2) {
            sf_log_warn("PostgreSQL did not stop within 60 s; sending SIGQUIT");
            kill(pg->pid, SIGQUIT);
            wait_exit(pg->pid, 10000);
        }
        sf_logf(SF_LOG_INFO, "embedded PostgreSQL stopped");
    }
    free(pg);
}
