#include "ui/model/modelsummaryview.h"

#include "ui/widgets/notelabel.h"

#include <QtGui/QFontDatabase>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QTableWidget>
#include <QtWidgets/QVBoxLayout>

namespace {

QString grouped(qint64 value)
{
    return QLocale().toString(value);
}

} // namespace

ModelSummaryView::ModelSummaryView(QWidget *parent) : QGroupBox(tr("Model summary"), parent)
{
    m_total = new QLabel(this);
    m_total->setObjectName(QStringLiteral("parameterCount"));
    QFont big = m_total->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    m_total->setFont(big);
    m_total->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_shapes = new NoteLabel(this);
    m_shapes->setObjectName(QStringLiteral("summaryShapes"));

    m_parts = new QTableWidget(0, 3, this);
    m_parts->setObjectName(QStringLiteral("summaryParts"));
    m_parts->setHorizontalHeaderLabels({tr("Part"), tr("Parameters"), tr("Share")});
    m_parts->verticalHeader()->setVisible(false);
    m_parts->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_parts->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_parts->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Fixed);
    m_parts->setColumnWidth(2, 120);
    m_parts->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_parts->setSelectionMode(QAbstractItemView::NoSelection);
    m_parts->setFocusPolicy(Qt::NoFocus);
    m_parts->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_parts->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    m_text = new QPlainTextEdit(this);
    m_text->setObjectName(QStringLiteral("summaryText"));
    m_text->setReadOnly(true);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_total);
    layout->addWidget(m_shapes);
    layout->addWidget(m_parts);
    layout->addWidget(m_text, 1);
    setUnavailable(tr("Building the model…"));
}

void ModelSummaryView::setSummary(const ModelSummary &summary, const ModelConfig &config)
{
    Q_UNUSED(config)
    setPending(false);
    if (!summary.error.isEmpty()) {
        setUnavailable(tr("The model cannot be built: %1").arg(summary.error));
        return;
    }
    m_parameters = summary.parameters;
    m_total->setText(tr("%1 parameters").arg(grouped(summary.parameters)));
    m_parts->setRowCount(int(summary.parts.size()));
    for (int row = 0; row < summary.parts.size(); ++row) {
        const ModelSummary::Part &part = summary.parts.at(row);
        auto *name = new QTableWidgetItem(part.name);
        auto *count = new QTableWidgetItem(grouped(part.parameters));
        count->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_parts->setItem(row, 0, name);
        m_parts->setItem(row, 1, count);
        // A bar per part shows at a glance where the parameters are.
        auto *share = new QProgressBar(m_parts);
        share->setRange(0, 1000);
        share->setValue(summary.parameters > 0 ? int(1000 * part.parameters / summary.parameters) : 0);
        share->setFormat(QStringLiteral("%1 %").arg(summary.parameters > 0 ? 100.0 * double(part.parameters) / double(summary.parameters) : 0.0, 0, 'f', 1));
        share->setTextVisible(true);
        m_parts->setCellWidget(row, 2, share);
    }
    m_text->setPlainText(summary.text);
    m_parts->resizeRowsToContents();
    int height = m_parts->horizontalHeader()->height() + 2 * m_parts->frameWidth();
    for (int row = 0; row < m_parts->rowCount(); ++row)
        height += m_parts->rowHeight(row);
    m_parts->setFixedHeight(height);
}

void ModelSummaryView::setPending(bool pending)
{
    m_total->setEnabled(!pending);
    m_parts->setEnabled(!pending);
    m_text->setEnabled(!pending);
}

void ModelSummaryView::setUnavailable(const QString &why)
{
    m_parameters = -1;
    m_total->setText(tr("— parameters"));
    m_parts->setRowCount(0);
    m_text->setPlainText(why);
}

void ModelSummaryView::setShapesNote(const QString &note)
{
    m_shapes->setText(note);
}
