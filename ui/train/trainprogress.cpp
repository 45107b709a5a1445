#include "ui/train/trainprogress.h"

#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QProgressBar>
#include <algorithm>
#include <cmath>
#include <limits>

TrainProgress::TrainProgress(QWidget *parent) : QWidget(parent)
{
    m_bar = new QProgressBar(this);
    m_bar->setObjectName(QStringLiteral("trainProgressBar"));
    m_bar->setRange(0, 1);
    m_bar->setValue(0);
    m_bar->setTextVisible(true);
    m_line = new QLabel(tr("Not training."), this);
    m_line->setObjectName(QStringLiteral("trainProgressLabel"));
    m_line->setMinimumWidth(QFontMetrics(font()).horizontalAdvance(
        QStringLiteral("Epoch 30/30 · step 12,345/12,345 · 1,234 samples/s · 0:00:00 left  ")));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_bar, 1);
    layout->addWidget(m_line);
}

QString TrainProgress::duration(double seconds)
{
    const qint64 s = qint64(std::llround(std::max(0.0, seconds)));
    if (s < 60)
        return tr("%1 s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2:%3").arg(s / 3600).arg((s / 60) % 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0'));
}

void TrainProgress::start(const QString &what, int epochs)
{
    m_epochs = epochs;
    m_epoch = 0;
    m_step = 0;
    m_totalSteps = 0;
    m_samplesPerSecond = 0.0;
    m_stepsPerSecond = 0.0;
    m_rateStep = -1;
    m_pausedMs = 0;
    m_paused = false;
    m_clock.start();
    m_bar->setRange(0, 0); // busy until the first step tells the total
    m_bar->setFormat(QString());
    m_line->setText(what);
}

void TrainProgress::addSteps(const QList<StepReport> &steps)
{
    if (steps.isEmpty())
        return;
    const StepReport &last = steps.last();
    m_epoch = last.epoch;
    m_step = last.step;
    m_totalSteps = last.totalSteps;
    double samples = 0.0;
    for (const StepReport &step : steps)
        samples += step.samplesPerSecond;
    const double recent = samples / double(steps.size());
    m_samplesPerSecond = m_samplesPerSecond > 0 ? 0.7 * m_samplesPerSecond + 0.3 * recent : recent;

    const qint64 now = m_clock.elapsed() - m_pausedMs;
    if (m_rateStep >= 0 && now > m_rateMs && m_step > m_rateStep) {
        const double rate = double(m_step - m_rateStep) * 1000.0 / double(now - m_rateMs);
        m_stepsPerSecond = m_stepsPerSecond > 0 ? 0.8 * m_stepsPerSecond + 0.2 * rate : rate;
    }
    if (m_rateStep < 0 || m_step > m_rateStep) {
        m_rateStep = m_step;
        m_rateMs = now;
    }
    if (m_totalSteps > 0) {
        m_bar->setRange(0, int(std::min<qint64>(m_totalSteps, std::numeric_limits<int>::max())));
        m_bar->setValue(int(std::min<qint64>(m_step, m_bar->maximum())));
        m_bar->setFormat(QStringLiteral("%p %"));
    }
    updateLine();
}

void TrainProgress::addEpoch(const EpochReport &report)
{
    m_epochs = report.epochs;
    m_epoch = report.epoch;
    updateLine();
}

void TrainProgress::setStage(const Progress &progress)
{
    if (progress.total > 0) {
        m_bar->setRange(0, int(std::min<qint64>(progress.total, std::numeric_limits<int>::max())));
        m_bar->setValue(int(std::min<qint64>(progress.done, m_bar->maximum())));
    }
    m_line->setText(progress.detail.isEmpty() ? progress.stage : QStringLiteral("%1: %2").arg(progress.stage, progress.detail));
}

void TrainProgress::setPaused(bool paused)
{
    if (paused == m_paused)
        return;
    m_paused = paused;
    if (paused) {
        m_pausedClock.start();
    } else {
        m_pausedMs += m_pausedClock.elapsed();
        m_rateStep = -1; // the next delivery restarts the rate measurement
    }
    updateLine();
}

void TrainProgress::finish(const QString &text, bool ok)
{
    if (ok && m_totalSteps > 0)
        m_bar->setValue(m_bar->maximum());
    if (m_bar->maximum() == 0)
        m_bar->setRange(0, 1);
    m_line->setText(text);
    m_paused = false;
}

QString TrainProgress::text() const
{
    return m_line->text();
}

void TrainProgress::updateLine()
{
    QStringList parts;
    parts << tr("Epoch %1/%2").arg(std::min(m_epoch + 1, std::max(1, m_epochs))).arg(m_epochs);
    parts << tr("step %L1/%L2").arg(m_step).arg(m_totalSteps);
    if (m_samplesPerSecond > 0)
        parts << tr("%L1 samples/s").arg(m_samplesPerSecond, 0, 'f', 0);
    if (m_paused)
        parts << tr("paused");
    else if (m_stepsPerSecond > 0 && m_totalSteps > m_step)
        parts << tr("%1 left").arg(duration(double(m_totalSteps - m_step) / m_stepsPerSecond));
    parts << tr("%1 elapsed").arg(duration(double(m_clock.elapsed() - m_pausedMs) / 1000.0));
    m_line->setText(parts.join(QStringLiteral(" · ")));
}
