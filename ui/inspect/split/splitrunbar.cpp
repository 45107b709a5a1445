#include "ui/inspect/split/splitrunbar.h"

#include "ui/widgets/notelabel.h"

#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QToolButton>

SplitRunBar::SplitRunBar(QWidget *parent) : QWidget(parent)
{
    m_analyse = new QPushButton(tr("Analyse split"), this);
    m_analyse->setObjectName(QStringLiteral("analyseSplitButton"));
    m_analyse->setToolTip(tr("Explain every sample of the split on a background thread: confusion, subset "
                             "accuracy, Shapley summary, pointing game."));
    m_split = new QComboBox(this);
    m_split->setObjectName(QStringLiteral("splitChooser"));
    m_split->addItem(tr("test"), int(Split::Test));
    m_split->addItem(tr("validation"), int(Split::Val));
    m_split->addItem(tr("train"), int(Split::Train));
    m_split->addItem(tr("all samples"), -1);
    m_split->setToolTip(tr("Which samples to analyse"));
    m_robustness = new QCheckBox(tr("Robustness curves (slower)"), this);
    m_robustness->setObjectName(QStringLiteral("robustnessCheck"));
    m_robustness->setToolTip(tr("Also measure accuracy as each modality is corrupted with growing severity "
                                "(about four times the work)."));
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("splitProgress"));
    m_progress->setMaximumWidth(220);
    m_progress->setTextVisible(true);
    m_cancel = new QToolButton(this);
    m_cancel->setObjectName(QStringLiteral("cancelSplitButton"));
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop the analysis after the current batch"));
    m_status = new NoteLabel(this);
    m_status->setObjectName(QStringLiteral("splitStatus"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // A long error (a path, a torch message) wraps instead of widening the whole panel.
    m_status->setWordWrap(true);
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_analyse);
    row->addWidget(m_split);
    row->addWidget(m_robustness);
    row->addWidget(m_progress);
    row->addWidget(m_cancel);
    row->addWidget(m_status, 1);

    connect(m_analyse, &QPushButton::clicked, this, &SplitRunBar::analyseRequested);
    connect(m_cancel, &QToolButton::clicked, this, &SplitRunBar::cancelRequested);
    setRunning(false);
    setReady(false, QString());
}

std::optional<Split> SplitRunBar::split() const
{
    const int value = m_split->currentData().toInt();
    if (value < 0)
        return std::nullopt;
    return Split(value);
}

QString SplitRunBar::splitTitle() const
{
    return m_split->currentText();
}

bool SplitRunBar::robustness() const
{
    return m_robustness->isChecked();
}

void SplitRunBar::setReady(bool ready, const QString &hint)
{
    m_ready = ready;
    m_analyse->setEnabled(m_ready && !m_running);
    if (!m_running)
        m_status->setText(hint);
}

void SplitRunBar::setRunning(bool running)
{
    m_running = running;
    m_analyse->setEnabled(m_ready && !m_running);
    m_split->setEnabled(!running);
    m_robustness->setEnabled(!running);
    m_progress->setVisible(running);
    m_cancel->setVisible(running);
    m_cancel->setEnabled(running);
    if (running) {
        m_progress->setRange(0, 0); // busy until the first report
        m_status->setText(tr("Opening the model…"));
    }
}

void SplitRunBar::setProgress(const Progress &progress)
{
    if (progress.total > 0) {
        m_progress->setRange(0, int(progress.total));
        m_progress->setValue(int(std::min(progress.done, progress.total)));
    }
    QString stage = progress.stage;
    if (stage == QLatin1String("explaining"))
        stage = tr("Explaining");
    else if (stage == QLatin1String("robustness"))
        stage = tr("Robustness curves");
    else if (stage == QLatin1String("reading"))
        stage = tr("Reading the data as the model expects");
    m_status->setText(progress.total > 0 ? tr("%1: %2 of %3").arg(stage).arg(progress.done).arg(progress.total)
                                         : stage);
}

void SplitRunBar::setStatus(const QString &text)
{
    m_status->setText(text);
}
