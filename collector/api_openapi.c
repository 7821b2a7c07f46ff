/* GET /api/openapi.json: the OpenAPI 3.1 document of the whole api.md contract, static.
 * It is written below as JSON with single quotes (so it reads without a backslash before
 * every quote); the first request turns the quotes, checks that it parses, and keeps the
 * compact text. Texts in it therefore never contain an apostrophe. */
#include "collector/api_openapi.h"

#include <stdlib.h>
#include <string.h>

#include "common/log.h"

#define R(code, ref) "'" code "':{'$ref':'#/components/responses/" ref "'}"
#define JSON_OK(schema) "'200':{'description':'OK','content':{'application/json':{'schema':{'$ref':'#/components/schemas/" schema "'}}}}"
#define READ_ERRORS R("401", "Unauthorized") "," R("403", "Forbidden") "," R("429", "RateLimited") "," R("500", "Internal")
#define QUERY(name, schema, text) "{'name':'" name "','in':'query','schema':" schema ",'description':'" text "'}"
#define START_END QUERY("start_time", "{'type':'string','format':'date-time'}", "RFC 3339; default end_time minus 24 h") "," \
    QUERY("end_time", "{'type':'string','format':'date-time'}", "RFC 3339; default now")
#define ID_PATH "{'name':'id','in':'path','required':true,'schema':{'type':'integer','minimum':0}}"
#define BEARER "'security':[{'bearer':[]}]"
#define OPEN "'security':[]"

static const char *const document[] = {
    "{'openapi':'3.1.0','info':{'title':'SecuraFlow API','version':'" SF_VERSION "',"
    "'description':'API monitoring and anomaly detection: ingest from sensors, rollups, anomalies, model evaluation. Errors are {detail}; validation errors are 422 with detail[{type,loc,msg}].'},"
    "'servers':[{'url':'/'}]," BEARER ",'paths':{",
    /* service */
    "'/api':{'get':{'summary':'Service banner'," OPEN ",'responses':{" JSON_OK("Banner") "}}},",
    "'/api/health':{'get':{'summary':'Truthful health: database, model, sensors, ingest queue'," OPEN ",'responses':{" JSON_OK("Health") "}}},",
    "'/api/openapi.json':{'get':{'summary':'This document'," OPEN ",'responses':{'200':{'description':'OpenAPI 3.1 document','content':{'application/json':{}}}}}},",
    "'/metrics':{'get':{'summary':'Prometheus text exposition (open to metrics_allow addresses, else admin); a browser asking for text/html gets the dashboard','responses':{'200':{'description':'text/plain; version=0.0.4','content':{'text/plain':{'schema':{'type':'string'}}}}," READ_ERRORS "}}},",
    /* ingest */
    "'/api/traffic':{'post':{'summary':'Ingest one record (role ingest, admin or analyst)',"
    "'requestBody':{'required':true,'content':{'application/json':{'schema':{'$ref':'#/components/schemas/TrafficRecord'}}}},"
    "'responses':{" JSON_OK("TrafficResponse") "," R("413", "TooLarge") "," R("422", "Invalid") "," R("503", "Busy") "," READ_ERRORS "}}},",
    "'/api/traffic/batch':{'post':{'summary':'Ingest a sensor batch (idempotent per batch_id; Content-Encoding gzip accepted)',"
    "'requestBody':{'required':true,'content':{'application/json':{'schema':{'$ref':'#/components/schemas/BatchRequest'}}}},"
    "'responses':{" JSON_OK("BatchResponse") "," R("400", "BadRequest") "," R("413", "TooLarge") "," R("422", "Invalid") "," R("503", "Busy") "," READ_ERRORS "}}},",
    /* reads */
    "'/api/metrics':{'get':{'summary':'Per-bucket, per-route aggregates from rollups, newest first','parameters':[" START_END ","
    QUERY("endpoint", "{'type':'string','minLength':1,'maxLength':2048}", "exact route template, e.g. /api/users/{id}") ","
    QUERY("bucket", "{'type':'string','enum':['1m','5m','1h','1d'],'default':'1m'}", "bucket width") ","
    QUERY("limit", "{'type':'integer','minimum':1,'maximum':10000}", "page size (rows); without it, the whole window") ","
    QUERY("offset", "{'type':'integer','minimum':0,'default':0}", "rows to skip") "],"
    "'responses':{" JSON_OK("MetricsList") "," R("422", "Invalid") "," R("503", "Busy") "," READ_ERRORS "}}},",
    "'/api/anomalies':{'get':{'summary':'Anomalies, newest detection first','description':'An anomaly is an incident: one per (pattern, client or route), updated while it lasts (count, first_seen, last_seen, strongest type and score) and closed after a quiet period (detect.incident_quiet); each record keeps its own verdict on its traffic row.','parameters':["
    QUERY("limit", "{'type':'integer','minimum':1,'maximum':1000,'default':50}", "page size") ","
    QUERY("offset", "{'type':'integer','minimum':0,'default':0}", "rows to skip") ","
    QUERY("resolved", "{'type':'boolean'}", "only resolved (true) or open (false) ones") ","
    QUERY("type", "{'type':'string','maxLength':64}", "anomaly_type") ","
    QUERY("endpoint", "{'type':'string','maxLength':2048}", "route template or exact endpoint") ","
    QUERY("start_time", "{'type':'string','format':'date-time'}", "detected at or after") ","
    QUERY("end_time", "{'type':'string','format':'date-time'}", "detected at or before") "],"
    "'responses':{" JSON_OK("AnomalyList") "," R("422", "Invalid") "," R("503", "Busy") "," READ_ERRORS "}}},",
    "'/api/anomalies/{id}/resolve':{'post':{'summary':'Mark an anomaly resolved (analyst, admin)','parameters':[" ID_PATH "],"
    "'responses':{" JSON_OK("Anomaly") "," R("404", "NotFound") "," R("422", "Invalid") "," READ_ERRORS "}}},",
    "'/api/anomalies/{id}/label':{'post':{'summary':'Operator label: ground truth for evaluation (analyst, admin)','parameters':[" ID_PATH "],"
    "'requestBody':{'required':true,'content':{'application/json':{'schema':{'type':'object','required':['label'],"
    "'properties':{'label':{'enum':['true_positive','false_positive']}}}}}},"
    "'responses':{" JSON_OK("Anomaly") "," R("404", "NotFound") "," R("422", "Invalid") "," READ_ERRORS "}}},",
    "'/api/endpoints':{'get':{'summary':'Per route template and method: requests, rps, latency percentiles, error rates, anomalies','parameters':[" START_END ","
    QUERY("limit", "{'type':'integer','minimum':1,'maximum':1000,'default':100}", "rows, busiest first") "],"
    "'responses':{" JSON_OK("EndpointList") "," R("422", "Invalid") "," READ_ERRORS "}}},",
    "'/api/stream':{'get':{'summary':'Server-Sent Events: traffic (per second), anomaly, sensor; heartbeat comment every 15 s','parameters':["
    QUERY("access_token", "{'type':'string'}", "token, for EventSource clients that cannot set headers") "],"
    "'responses':{'200':{'description':'text/event-stream','content':{'text/event-stream':{'schema':{'type':'string'}}}}," R("503", "Busy") "," READ_ERRORS "}}},",
    /* demo and model */
    "'/api/demo/generate':{'post':{'summary':'Labelled demo traffic through the normal scoring path (admin, analyst, guest)','parameters':["
    QUERY("count", "{'type':'integer','minimum':1,'maximum':1000,'default':100}", "records") ","
    QUERY("anomaly_rate", "{'type':'number','minimum':0,'maximum':1,'default':0.15}", "probability that a record is generated as an anomaly") ","
    QUERY("hours_back", "{'type':'integer','minimum':1,'maximum':168,'default':24}", "records spread over this many hours up to now") "],"
    "'responses':{" JSON_OK("DemoResponse") "," R("422", "Invalid") "," R("503", "Busy") "," READ_ERRORS "}}},",
    "'/api/demo':{'delete':{'summary':'Delete demo traffic and its anomalies; rollups are rebuilt (analyst, admin)',"
    "'responses':{" JSON_OK("DemoDeleted") "," READ_ERRORS "}}},",
    "'/api/model-metrics':{'get':{'summary':'Stored evaluations, newest first','parameters':["
    QUERY("limit", "{'type':'integer','minimum':1,'maximum':100,'default':10}", "rows") "],"
    "'responses':{" JSON_OK("ModelMetricsList") "," R("422", "Invalid") "," READ_ERRORS "}}},",
    "'/api/model-metrics/evaluate':{'post':{'summary':'Evaluate against labels the detector did not make (demo ground truth, operator labels); stored','parameters':["
    QUERY("limit", "{'type':'integer','minimum':50,'maximum':5000,'default':500}", "most recently stored labelled records") ","
    QUERY("threshold", "{'type':'number','minimum':0,'maximum':1}", "score at or above which a record counts as flagged; default the active model threshold") "],"
    "'responses':{" JSON_OK("ModelPerformance") "," R("404", "NotFound") "," R("422", "Invalid") "," READ_ERRORS "}}},",
    "'/api/model':{'get':{'summary':'The active model and training progress','responses':{" JSON_OK("Model") "," READ_ERRORS "}}},",
    "'/api/model/train':{'post':{'summary':'Retrain on recent normal traffic; the new version becomes active atomically (admin, analyst)',"
    "'responses':{'202':{'description':'Training started'},'409':{'description':'Training already in progress','content':{'application/json':{'schema':{'$ref':'#/components/schemas/Error'}}}}," READ_ERRORS "}}},",
    /* sensors */
    "'/api/sensors':{'get':{'summary':'Sensors and their last capture counters','responses':{" JSON_OK("SensorList") "," READ_ERRORS "}},"
    "'post':{'summary':'Create an ingest token for a sensor (admin); shown once',"
    "'requestBody':{'required':true,'content':{'application/json':{'schema':{'type':'object','required':['name'],"
    "'properties':{'name':{'type':'string','minLength':1,'maxLength':256,'pattern':'^[A-Za-z0-9._:-]+$'}}}}}},"
    "'responses':{'201':{'description':'Created','content':{'application/json':{'schema':{'$ref':'#/components/schemas/TokenCreated'}}}},"
    "'409':{'description':'Name taken','content':{'application/json':{'schema':{'$ref':'#/components/schemas/Error'}}}}," R("422", "Invalid") "," READ_ERRORS "}}},",
    "'/api/sensors/heartbeat':{'post':{'summary':'A sensor reports its counters, every 10 s (ingest)',"
    "'requestBody':{'required':true,'content':{'application/json':{'schema':{'$ref':'#/components/schemas/Heartbeat'}}}},"
    "'responses':{'200':{'description':'Stored'}," R("413", "TooLarge") "," R("422", "Invalid") "," READ_ERRORS "}}},",
    /* auth */
    "'/api/auth/signup':{'post':{'summary':'Create an account (the first becomes admin)'," OPEN ","
    "'requestBody':{'required':true,'content':{'application/json':{'schema':{'type':'object','required':['email','username','password'],"
    "'properties':{'email':{'type':'string','format':'email'},'username':{'type':'string','minLength':3,'maxLength':100},"
    "'password':{'type':'string','minLength':8,'maxLength':1024}}}}}},"
    "'responses':{'201':{'description':'Created','content':{'application/json':{'schema':{'$ref':'#/components/schemas/User'}}}}," R("400", "BadRequest") "," R("403", "Forbidden") "," R("422", "Invalid") "," R("429", "RateLimited") "}}},",
    "'/api/auth/login':{'post':{'summary':'Log in by username or email'," OPEN ","
    "'requestBody':{'required':true,'content':{'application/x-www-form-urlencoded':{'schema':{'$ref':'#/components/schemas/Login'}},"
    "'application/json':{'schema':{'$ref':'#/components/schemas/Login'}}}},"
    "'responses':{" JSON_OK("Token") "," R("401", "Unauthorized") "," R("403", "Forbidden") "," R("429", "RateLimited") "}}},",
    "'/api/auth/demo':{'post':{'summary':'A guest token'," OPEN ",'responses':{" JSON_OK("Token") "," R("429", "RateLimited") "}}},",
    "'/api/auth/me':{'get':{'summary':'The current user','responses':{" JSON_OK("User") "," R("401", "Unauthorized") "}}}",
    "},'components':{'securitySchemes':{'bearer':{'type':'http','scheme':'bearer','description':'user JWT (HS256) or ingest token (sfi_...)'}},",
    "'responses':{"
    "'BadRequest':{'description':'Bad request','content':{'application/json':{'schema':{'$ref':'#/components/schemas/Error'}}}},"
    "'Unauthorized':{'description':'Not authenticated or invalid credentials','headers':{'WWW-Authenticate':{'schema':{'type':'string'}}},'content':{'application/json':{'schema':{'$ref':'#/components/schemas/Error'}}}},"
    "'Forbidden':{'description':'Forbidden','content':{'application/json':{'schema':{'$ref':'#/components/schemas/Error'}}}},"
    "'NotFound':{'description':'Not found','content':{'application/json':{'schema':{'$ref':'#/components/schemas/Error'}}}},"
    "'TooLarge':{'description':'Body above the limit','content':{'application/json':{'schema':{'$ref':'#/components/schemas/Error'}}}},"
    "'Invalid':{'description':'Validation error naming the field','content':{'application/json':{'schema':{'$ref':'#/components/schemas/ValidationError'}}}},"
    "'RateLimited':{'description':'Rate limit exceeded','headers':{'Retry-After':{'schema':{'type':'integer'}}},'content':{'application/json':{'schema':{'$ref':'#/components/schemas/Error'}}}},"
    "'Busy':{'description':'Queue full or database unavailable; retry','headers':{'Retry-After':{'schema':{'type':'integer'}}},'content':{'application/json':{'schema':{'$ref':'#/components/schemas/Error'}}}},"
    "'Internal':{'description':'Internal error (no internal text; correlation id)','content':{'application/json':{'schema':{'$ref':'#/components/schemas/Error'}}}}},",
    "'schemas':{"
    "'Error':{'type':'object','required':['detail'],'properties':{'detail':{'type':'string'},'correlation_id':{'type':'string'}}},"
    "'ValidationError':{'type':'object','properties':{'detail':{'type':'array','items':{'type':'object','required':['type','loc','msg'],"
    "'properties':{'type':{'type':'string'},'loc':{'type':'array','prefixItems':[{'enum':['query','body','path']},{'type':'string'}]},'msg':{'type':'string'}}}}}},"
    "'Banner':{'type':'object','properties':{'message':{'const':'SecuraFlow API'},'version':{'type':'string'},'status':{'const':'running'}}},"
    "'Health':{'type':'object','properties':{'status':{'enum':['healthy','degraded','unhealthy']},'database':{'enum':['connected','disconnected']},"
    "'model_loaded':{'type':'boolean'},'uptime_seconds':{'type':'number'},'model_version':{'type':['integer','null']},'sensors':{'type':'integer'},'ingest_queue':{'type':'integer'}}},",
    "'TrafficRecord':{'type':'object','required':['endpoint','method','status_code','response_time_ms'],'properties':{"
    "'endpoint':{'type':'string','minLength':1,'maxLength':2048},'method':{'type':'string','minLength':1,'maxLength':16},"
    "'status_code':{'type':'integer','minimum':100,'maximum':599},'response_time_ms':{'type':'number','minimum':0},"
    "'request_size_bytes':{'type':['integer','null'],'minimum':0},'response_size_bytes':{'type':['integer','null'],'minimum':0},"
    "'ip_address':{'type':['string','null']},'user_agent':{'type':['string','null'],'maxLength':1024},'timestamp':{'type':['string','null'],'format':'date-time'}}},",
    "'BatchRecord':{'allOf':[{'$ref':'#/components/schemas/TrafficRecord'},{'type':'object','properties':{"
    "'client_ip':{'type':'string'},'client_port':{'type':'integer'},'server_ip':{'type':'string'},'server_port':{'type':'integer'},"
    "'host':{'type':'string'},'path':{'type':'string'},'query':{'type':'string'},'http_version':{'type':'string'},'content_type':{'type':'string'},"
    "'x_forwarded_for':{'type':'string'},'ttfb_us':{'type':'integer'},'duration_us':{'type':'integer'},'req_body_bytes':{'type':'integer'},"
    "'resp_body_bytes':{'type':'integer'},'flags':{'type':'array','items':{'enum':['gap','no_response','no_request','interrupted','truncated_headers','midstream','upgraded','parse_error','url_truncated']}}}}]},",
    "'TrafficResponse':{'type':'object','properties':{'success':{'type':'boolean'},'anomaly_detected':{'type':'boolean'},'anomaly_score':{'type':'number'},"
    "'anomaly_type':{'type':'string'},'traffic_id':{'type':'integer'},'message':{'type':'string'}}},"
    "'BatchRequest':{'type':'object','required':['sensor_id','batch_id','records'],'properties':{'sensor_id':{'type':'string','maxLength':256},"
    "'batch_id':{'type':'string','maxLength':256},'records':{'type':'array','maxItems':10000,'items':{'$ref':'#/components/schemas/BatchRecord'}}}},"
    "'BatchResponse':{'type':'object','properties':{'accepted':{'type':'integer'},'rejected':{'type':'array','items':{'type':'object',"
    "'properties':{'index':{'type':'integer'},'detail':{'type':'string'}}}},'anomalies':{'type':'integer'},'duplicate':{'type':'boolean'}}},",
    "'MetricsItem':{'type':'object','properties':{'time_window':{'type':'string','format':'date-time'},'endpoint':{'type':'string'},"
    "'request_count':{'type':'integer'},'avg_response_time_ms':{'type':'number'},'error_count':{'type':'integer','description':'status >= 400'},"
    "'server_error_count':{'type':'integer','description':'status >= 500'},'p95_response_time_ms':{'type':['number','null']},'p99_response_time_ms':{'type':['number','null']}}},"
    "'MetricsList':{'type':'object','properties':{'metrics':{'type':'array','items':{'$ref':'#/components/schemas/MetricsItem'}},"
    "'total':{'type':'integer','description':'rows in the whole window'},'limit':{'type':'integer'},'offset':{'type':'integer'}}},",
    "'Anomaly':{'type':'object','properties':{'id':{'type':'integer'},'detected_at':{'type':'string','format':'date-time'},"
    "'anomaly_score':{'type':'number','description':'graded: 0.6 just past the detector threshold, towards 1 far past it'},"
    "'anomaly_type':{'type':'string','description':'the strongest type the incident reached: sql_injection, xss, path_traversal, injection_attempt, brute_force, endpoint_scan, request_flood, error_rate_spike, server_error, latency_regression, response_time_spike, traffic_drop, sensor_silence, large_request, large_response, pattern_anomaly'},"
    "'features':{'type':['object','null']},'is_resolved':{'type':'boolean','description':'set by an operator; an incident that goes on opens again'},"
    "'severity':{'enum':['low','medium','high','critical']},'reasons':{'type':'array','items':{'type':'string'},'description':'what was seen, what is usual for the route or client, by how much it differs'},"
    "'count':{'type':'integer','description':'records the incident covers (deliberate addition)'},"
    "'first_seen':{'type':'string','format':'date-time','description':'traffic time of its first record (deliberate addition)'},"
    "'last_seen':{'type':'string','format':'date-time','description':'traffic time of its latest record (deliberate addition)'},"
    "'subject':{'type':['string','null'],'description':'what it is about: client ADDRESS, address ADDRESS, route METHOD TEMPLATE or sensor ID (deliberate addition)'},"
    "'label':{'enum':[null,'true_positive','false_positive']},'detector':{'type':'string'},'model_version':{'type':['integer','null']},"
    "'traffic_log':{'type':'object','description':'the record that opened the incident (id null when none did: a route gone quiet, a silent sensor)','properties':{'id':{'type':['integer','null']},'endpoint':{'type':'string'},'method':{'type':'string'},"
    "'status_code':{'type':['integer','null']},'response_time_ms':{'type':'number'},'timestamp':{'type':'string','format':'date-time'}}}}},"
    "'AnomalyList':{'type':'object','properties':{'anomalies':{'type':'array','items':{'$ref':'#/components/schemas/Anomaly'}},"
    "'total':{'type':'integer'},'limit':{'type':'integer'},'offset':{'type':'integer'}}},",
    "'EndpointStats':{'type':'object','properties':{'endpoint':{'type':'string'},'method':{'type':'string'},'requests':{'type':'integer'},"
    "'rps':{'type':'number'},'avg_response_time_ms':{'type':'number'},'max_response_time_ms':{'type':'number'},'p50_response_time_ms':{'type':'number'},"
    "'p95_response_time_ms':{'type':'number'},'p99_response_time_ms':{'type':'number'},'error_rate':{'type':'number'},'server_error_rate':{'type':'number'},"
    "'errors':{'type':'integer'},'server_errors':{'type':'integer'},'anomalies':{'type':'integer'},"
    "'first_seen':{'type':'string','format':'date-time'},'last_seen':{'type':'string','format':'date-time'}}},"
    "'EndpointList':{'type':'object','properties':{'endpoints':{'type':'array','items':{'$ref':'#/components/schemas/EndpointStats'}},"
    "'total':{'type':'integer'},'start_time':{'type':'string'},'end_time':{'type':'string'}}},",
    "'DemoResponse':{'type':'object','properties':{'success':{'type':'boolean'},'message':{'type':'string'},'traffic_logs_created':{'type':'integer'},"
    "'anomalies_created':{'type':'integer','description':'flagged by the detectors'},'generated_anomalies':{'type':'integer','description':'generated as anomalies (ground truth)'},"
    "'time_range':{'type':'object','properties':{'start':{'type':'string'},'end':{'type':'string'}}}}},"
    "'DemoDeleted':{'type':'object','properties':{'success':{'type':'boolean'},'traffic_logs_deleted':{'type':'integer'},'anomalies_deleted':{'type':'integer'}}},",
    "'ModelPerformance':{'type':'object','properties':{'id':{'type':'integer'},'model_version':{'type':'string'},'evaluation_date':{'type':'string','format':'date-time'},"
    "'total_predictions':{'type':'integer'},'true_positives':{'type':'integer'},'false_positives':{'type':'integer'},'true_negatives':{'type':'integer'},"
    "'false_negatives':{'type':'integer'},'precision':{'type':'number'},'recall':{'type':'number'},'f1_score':{'type':'number'},'accuracy':{'type':'number'},"
    "'auc_roc':{'type':['number','null']},'avg_anomaly_score':{'type':'number'},'threshold_used':{'type':'number'},"
    "'labels':{'type':'object','description':'evaluate only: where the ground truth came from','properties':{'operator':{'type':'integer'},'demo':{'type':'integer'}}}}},"
    "'ModelMetricsList':{'type':'object','properties':{'metrics':{'type':'array','items':{'$ref':'#/components/schemas/ModelPerformance'}},'total':{'type':'integer'}}},"
    "'Model':{'type':'object','properties':{'version':{'type':['integer','null']},'trained_at':{'type':'string'},'training_rows':{'type':'integer'},"
    "'feature_names':{'type':'array','items':{'type':'string'}},'threshold':{'type':'number'},'contamination':{'type':'number'},'trees':{'type':'integer'},"
    "'sample_size':{'type':'integer'},'training':{'type':'object'}}},",
    "'Sensor':{'type':'object','properties':{'id':{'type':'string'},'hostname':{'type':['string','null']},'interface':{'type':['string','null']},"
    "'version':{'type':['string','null']},'first_seen':{'type':'string'},'last_seen':{'type':'string'},'online':{'type':'boolean'},"
    "'packets':{'type':['number','null']},'kernel_drops':{'type':['number','null']},'interface_drops':{'type':['number','null']},"
    "'capture_loss_pct':{'type':['number','null']},'flows':{'type':['number','null']},'transactions':{'type':['number','null']},"
    "'parse_errors':{'type':['number','null']},'gaps':{'type':['number','null']},'spooled_bytes':{'type':['number','null']},'stats':{'type':'object'}}},"
    "'SensorList':{'type':'object','properties':{'sensors':{'type':'array','items':{'$ref':'#/components/schemas/Sensor'}},'total':{'type':'integer'}}},"
    "'Heartbeat':{'type':'object','required':['sensor_id'],'properties':{'sensor_id':{'type':'string','maxLength':256},'hostname':{'type':'string'},"
    "'interface':{'type':'string'},'version':{'type':'string'},'stats':{'type':'object'}}},"
    "'TokenCreated':{'type':'object','properties':{'name':{'type':'string'},'token':{'type':'string'},'message':{'type':'string'}}},",
    "'User':{'type':'object','properties':{'id':{'type':'integer'},'email':{'type':'string'},'username':{'type':'string'},"
    "'role':{'enum':['admin','analyst','guest']},'is_active':{'type':'boolean'},'created_at':{'type':'string','format':'date-time'}}},"
    "'Login':{'type':'object','required':['username','password'],'properties':{'username':{'type':'string'},'password':{'type':'string'}}},"
    "'Token':{'type':'object','properties':{'access_token':{'type':'string'},'token_type':{'const':'bearer'},'expires_in':{'type':'integer'}}}"
    "}}}",
};

/* The document as compact JSON text, made once (loop thread only). */
static const char *document_text(void)
{
    static char *text;
    if (text)
        return text;
    size_t len = 0;
    for (size_t i = 0; i < sizeof document / sizeof document[0]; i++)
        len += strlen(document[i]);
    char *quoted = malloc(len + 1);
    if (!quoted)
        return NULL;
    quoted[0] = '\0';
    for (size_t i = 0; i < sizeof document / sizeof document[0]; i++)
        strcat(quoted, document[i]);
    for (char *p = quoted; *p; p++)
        if (*p == '\'')
            *p = '"';
    json_error_t jerr;
    json_t *doc = json_loads(quoted, 0, &jerr);
    free(quoted);
    if (!doc) {
        sf_log(SF_LOG_ERROR, "OpenAPI document does not parse",
               json_pack("{s:s,s:i}", "error", jerr.text, "column", jerr.column));
        return NULL;
    }
    text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(doc);
    return text;
}

void sf_api_openapi(sf_request *r)
{
    const char *text = document_text();
    if (!text) {
        sf_reply_internal(r, "the OpenAPI document is broken");
        return;
    }
    sf_reply_raw(r, 200, "application/json", text, strlen(text));
}
