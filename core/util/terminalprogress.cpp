#include "core/util/terminalprogress.h"

#include <algorithm>
#include <cstdio>
#include <sys/ioctl.h>
#include <unistd.h>

namespace {

constexpr qint64 kMinRedrawMs = 100; // at most 10 redraws a second

bool progressWanted()
{
    return !qEnvironmentVariableIsSet("FUSIONSCOPE_NO_PROGRESS") && isatty(STDERR_FILENO) == 1;
}

int terminalColumns()
{
    winsize size{};
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
        return size.ws_col;
    return 80;
}

QString formatDuration(double seconds)
{
    const qint64 total = qint64(seconds + 0.5);
    const qint64 hours = total / 3600;
    const int minutes = int((total / 60) % 60);
    const int secs = int(total % 60);
    if (hours > 0)
        return QStringLiteral("%1:%2:%3").arg(hours).arg(minutes, 2, 10, QLatin1Char('0')).arg(secs, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(minutes).arg(secs, 2, 10, QLatin1Char('0'));
}

QString formatRate(double perSecond)
{
    if (perSecond >= 100)
        return QString::number(qint64(perSecond + 0.5));
    return QString::number(perSecond, 'f', perSecond >= 10 ? 1 : 2);
}

} // namespace

TerminalProgress::TerminalProgress(QString label)
    : m_label(std::move(label))
    , m_active(progressWanted())
{
    m_clock.start();
}

TerminalProgress::~TerminalProgress()
{
    finish();
}

void TerminalProgress::update(const Progress &progress)
{
    if (!m_active)
        return;
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_finished)
        return;
    const qint64 now = m_clock.elapsed();
    if (progress.stage != m_stage) {
        m_stage = progress.stage;
        m_stageStartMs = now;
        m_lastDrawMs = -1; // show a new stage at once
    }
    const bool complete = progress.total > 0 && progress.done >= progress.total;
    if (m_lastDrawMs >= 0 && now - m_lastDrawMs < kMinRedrawMs && !complete)
        return;
    m_lastDrawMs = now;
    writeLine(renderLine(progress, (now - m_stageStartMs) / 1000.0));
}

void TerminalProgress::finish(const QString &summary)
{
    if (!m_active)
        return;
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_finished)
        return;
    m_finished = true;
    if (!summary.isEmpty()) {
        writeLine(QStringLiteral("%1: %2").arg(m_label, summary));
        std::fputc('\n', stderr);
    } else if (m_drawn) {
        std::fputs("\r\033[K", stderr);
    }
    std::fflush(stderr);
}

QString TerminalProgress::renderLine(const Progress &progress, double seconds) const
{
    QString line = m_label;
    if (!progress.stage.isEmpty())
        line += QStringLiteral(" (%1)").arg(progress.stage);
    const double rate = seconds > 0.05 ? progress.done / seconds : 0.0;
    if (progress.total > 0) {
        const double fraction = std::clamp(double(progress.done) / double(progress.total), 0.0, 1.0);
        constexpr int kBarWidth = 24;
        const int filled = int(fraction * kBarWidth);
        line += QStringLiteral(" [%1%2] %3/%4 %5%")
                    .arg(QString(filled, QLatin1Char('#')), QString(kBarWidth - filled, QLatin1Char('-')))
                    .arg(progress.done)
                    .arg(progress.total)
                    .arg(int(fraction * 100));
        if (rate > 0) {
            line += QStringLiteral(" %1/s").arg(formatRate(rate));
            line += QStringLiteral(" ETA %1").arg(formatDuration((progress.total - progress.done) / rate));
        }
    } else {
        line += QStringLiteral(" %1").arg(progress.done);
        if (rate > 0)
            line += QStringLiteral(" %1/s").arg(formatRate(rate));
    }
    if (!progress.detail.isEmpty())
        line += QStringLiteral("  ") + progress.detail;
    return line;
}

void TerminalProgress::writeLine(const QString &line)
{
    // Never wrap: a wrapped line cannot be redrawn in place with a carriage return.
    const int columns = std::max(10, terminalColumns() - 1);
    const QString shown = line.size() > columns ? line.left(columns) : line;
    std::fputs("\r\033[K", stderr);
    std::fputs(shown.toUtf8().constData(), stderr);
    std::fflush(stderr);
    m_drawn = true;
}
