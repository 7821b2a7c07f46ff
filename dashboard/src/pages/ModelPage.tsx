// Model: the active Isolation Forest, its latest evaluation (precision, recall, F1,
// accuracy, ROC AUC, confusion matrix), the evaluation history, and Evaluate / Retrain
// (analysts and admins) with the training progress the server reports.
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { errorText } from '../api/errors';
import type { ModelInfo, ModelMetrics } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { canOperate } from '../auth/session';
import { Panel } from '../components/Panel';
import { StatCard } from '../components/StatCard';
import { Empty, ErrorNote, Loading } from '../components/States';
import { useResource } from '../hooks/useResource';
import { formatAgo, formatCount, formatDateTime, formatPercent, formatScore } from '../lib/format';

function tone(v: number | null): 'good' | 'warn' | 'bad' | undefined {
  if (v === null) return undefined;
  return v >= 0.8 ? 'good' : v >= 0.6 ? 'warn' : 'bad';
}

function Cell({ n, good, what }: { n: number; good?: boolean; what: string }) {
  const cls = n === 0 ? 'cm-zero' : good ? 'cm-good' : 'cm-bad';
  return <td className={cls}>{formatCount(n)}<span>{what}</span></td>;
}

export function ConfusionMatrix({ m }: { m: ModelMetrics }) {
  return (
    <table className="confusion" data-testid="confusion">
      <caption className="sr-only">Confusion matrix</caption>
      <thead><tr><td /><th scope="col">Predicted normal</th><th scope="col">Predicted anomaly</th></tr></thead>
      <tbody>
        <tr><th scope="row">Actually normal</th><Cell n={m.true_negatives} good what="true negatives" /><Cell n={m.false_positives} what="false positives" /></tr>
        <tr><th scope="row">Actually anomalous</th><Cell n={m.false_negatives} what="false negatives" /><Cell n={m.true_positives} good what="true positives" /></tr>
      </tbody>
    </table>
  );
}

function Scores({ m }: { m: ModelMetrics }) {
  return (
    <div className="cards cards-5" data-testid="model-scores">
      <StatCard title="Precision" value={formatPercent(m.precision, 1)} tone={tone(m.precision)} detail="flagged that were real" testId="score-precision" raw={m.precision} />
      <StatCard title="Recall" value={formatPercent(m.recall, 1)} tone={tone(m.recall)} detail="real ones that were flagged" raw={m.recall} />
      <StatCard title="F1" value={formatPercent(m.f1_score, 1)} tone={tone(m.f1_score)} detail="harmonic mean of P and R" raw={m.f1_score} />
      <StatCard title="Accuracy" value={formatPercent(m.accuracy, 1)} tone={tone(m.accuracy)} detail="(TP + TN) / all" raw={m.accuracy} />
      <StatCard title="ROC AUC" value={formatScore(m.auc_roc)} tone={tone(m.auc_roc)} detail="ranking quality of the scores" raw={m.auc_roc} />
    </div>
  );
}

function ActiveModel({ info }: { info: ModelInfo }) {
  if (info.version === null) return <Empty title="No model is active" hint="The collector scores with rules until a model is trained." />;
  return (
    <dl className="kv kv-wide" data-testid="active-model">
      <dt>Version</dt><dd>v{info.version} <span className="muted small">({info.source ?? 'trained'})</span></dd>
      <dt>Trained</dt><dd>{formatDateTime(info.trained_at)} <span className="muted small">{formatAgo(info.trained_at)}</span></dd>
      <dt>Training rows</dt><dd>{formatCount(info.training_rows)}</dd>
      <dt>Trees × sample</dt><dd>{info.trees} × {info.sample_size}</dd>
      <dt>Threshold</dt><dd>{formatScore(info.threshold)} <span className="muted small">contamination {info.contamination}</span></dd>
      <dt>Features</dt><dd className="small">{info.feature_names?.join(', ')}</dd>
    </dl>
  );
}

function Training({ info, onDone }: { info: ModelInfo; onDone: () => void }) {
  const t = info.training;
  if (!t) return null;
  if (t.state === 'training') {
    return (
      <div className="progress-box" role="status" aria-live="polite" data-testid="training">
        <div className="progress indeterminate" aria-hidden="true"><span /></div>
        Training on {t.rows > 0 ? `${formatCount(t.rows)} rows` : 'recent normal traffic'}, started {formatAgo(t.started_at)}…
      </div>
    );
  }
  if (t.state === 'failed') {
    return <p className="bad small" role="alert" data-testid="training">Last training failed: {t.last_error ?? 'no reason given'} <button type="button" className="link-button" onClick={onDone}>Dismiss</button></p>;
  }
  if (t.finished_at) return <p className="muted small" data-testid="training">Last training finished {formatAgo(t.finished_at)} on {formatCount(t.rows)} rows.</p>;
  return null;
}

/** Reloads the model while it trains: the server has no training event, so this asks once a second until it is done. */
function useTrainingWatch(info: ModelInfo | undefined, reload: () => void): void {
  const training = info?.training?.state === 'training';
  useEffect(() => {
    if (!training) return undefined;
    const t = window.setTimeout(reload, 1000);
    return () => window.clearTimeout(t);
  }, [training, info, reload]);
}

export default function ModelPage() {
  const { session } = useAuth();
  const operator = canOperate(session?.user.role);
  const model = useResource((signal) => api.model(signal), []);
  const history = useResource((signal) => api.modelMetrics(signal), []);
  const [busy, setBusy] = useState<'evaluate' | 'train' | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  useTrainingWatch(model.data, model.reload);

  const evaluate = async () => {
    setBusy('evaluate'); setMessage(null);
    try {
      const m = await api.evaluate();
      setMessage({ ok: true, text: `Evaluated ${formatCount(m.total_predictions)} labelled predictions.` });
      history.reload();
    } catch (err) {
      setMessage({ ok: false, text: errorText(err, 'Failed to evaluate the model') });
    } finally { setBusy(null); }
  };
  const train = async () => {
    setBusy('train'); setMessage(null);
    try {
      const r = await api.train();
      setMessage({ ok: true, text: r.message });
      model.reload();
    } catch (err) {
      setMessage({ ok: false, text: errorText(err, 'Failed to start training') });
    } finally { setBusy(null); }
  };

  const latest = history.data?.metrics[0];
  const training = model.data?.training?.state === 'training';
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Model</h1>
          <p className="muted">Ground truth comes only from demo-generation labels and operator labels, never from the detector itself.</p>
        </div>
        <div className="actions">
          <button type="button" className="btn btn-primary" onClick={evaluate} disabled={!operator || busy !== null} data-testid="evaluate">
            {busy === 'evaluate' ? 'Evaluating…' : 'Evaluate'}
          </button>
          <button type="button" className="btn" onClick={train} disabled={!operator || busy !== null || training} data-testid="retrain">
            {training ? 'Training…' : busy === 'train' ? 'Starting…' : 'Retrain'}
          </button>
        </div>
      </div>
      {!operator && <p className="muted small">Evaluate and Retrain need an analyst or admin account.</p>}
      {message && <p className={`small ${message.ok ? 'ok' : 'bad'}`} role="status" data-testid="model-message">{message.text}</p>}
      <Panel title="Active model">
        {model.loading && <Loading rows={3} />}
        {!model.data && model.error && <ErrorNote message={model.error} onRetry={model.reload} />}
        {model.data && <><Training info={model.data} onDone={model.reload} /><ActiveModel info={model.data} /></>}
      </Panel>
      <Panel title="Latest evaluation" subtitle={latest ? `${formatDateTime(latest.evaluation_date)} · model ${latest.model_version} · ${formatCount(latest.total_predictions)} labelled predictions` : undefined}>
        {history.loading && <Loading rows={3} />}
        {!history.data && history.error && <ErrorNote message={history.error} onRetry={history.reload} />}
        {history.data && !latest && <Empty title="No evaluation yet" hint={'Generate demo data (it carries ground-truth labels) or label anomalies, then press "Evaluate".'} />}
        {latest && (
          <div className="eval">
            <Scores m={latest} />
            <ConfusionMatrix m={latest} />
          </div>
        )}
      </Panel>
      {history.data && history.data.metrics.length > 0 && (
        <Panel title="History">
          <div className="table-wrap">
            <table className="table" data-testid="model-history">
              <thead><tr><th scope="col">Evaluated</th><th scope="col">Model</th><th scope="col" className="num">Precision</th><th scope="col" className="num">Recall</th><th scope="col" className="num">F1</th><th scope="col" className="num">Accuracy</th><th scope="col" className="num">ROC AUC</th><th scope="col" className="num">Predictions</th></tr></thead>
              <tbody>
                {history.data.metrics.map((m, i) => (
                  <tr key={m.id ?? i}>
                    <td>{formatDateTime(m.evaluation_date)}</td><td>{m.model_version}</td>
                    <td className="num">{formatPercent(m.precision, 1)}</td><td className="num">{formatPercent(m.recall, 1)}</td>
                    <td className="num">{formatPercent(m.f1_score, 1)}</td><td className="num">{formatPercent(m.accuracy, 1)}</td>
                    <td className="num">{formatScore(m.auc_roc)}</td><td className="num">{formatCount(m.total_predictions)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Panel>
      )}
    </div>
  );
}
