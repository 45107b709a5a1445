#include "ui/model/encoderchoice.h"

#include "ui/model/formfields.h"

#include <QtCore/QFileInfo>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>

namespace {

const QString kFileChoice = QStringLiteral("\x01file"); // cannot clash with an encoder name

} // namespace

EncoderChoice::EncoderChoice(const QList<QPair<QString, QString>> &choices, bool allowFile, QWidget *parent)
    : QWidget(parent), m_combo(new QComboBox(this)), m_path(new QLineEdit(this)), m_browse(new QToolButton(this))
{
    for (const auto &choice : choices)
        formfields::addChoice(m_combo, choice.first, choice.first, choice.second);
    if (allowFile) {
        formfields::addChoice(m_combo, tr("TorchScript file…"), kFileChoice,
                              tr("Your own encoder, scripted in PyTorch and saved with torch.jit.save: it maps "
                                 "the modality's input batch to tokens [B, N, dim]."));
    }
    m_path->setPlaceholderText(tr("encoder.pt"));
    m_path->setClearButtonEnabled(true);
    m_browse->setText(tr("Browse…"));
    m_browse->setToolTip(tr("Choose a TorchScript encoder file"));

    auto *fileRow = new QHBoxLayout;
    fileRow->setContentsMargins(0, 0, 0, 0);
    fileRow->addWidget(m_path, 1);
    fileRow->addWidget(m_browse);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_combo);
    layout->addLayout(fileRow);
    updateFileRow();

    connect(m_combo, &QComboBox::currentIndexChanged, this, [this] {
        updateFileRow();
        Q_EMIT changed();
    });
    connect(m_path, &QLineEdit::textChanged, this, &EncoderChoice::changed);
    connect(m_browse, &QToolButton::clicked, this, &EncoderChoice::browse);
}

QString EncoderChoice::value() const
{
    return m_combo->currentData().toString() == kFileChoice ? m_path->text().trimmed() : m_combo->currentData().toString();
}

void EncoderChoice::setValue(const QString &value)
{
    if (!formfields::selectData(m_combo, value) && formfields::selectData(m_combo, kFileChoice))
        m_path->setText(value);
    updateFileRow();
}

void EncoderChoice::browse()
{
    const QString start = m_path->text().isEmpty() ? QString() : QFileInfo(m_path->text()).absolutePath();
    const QString file = QFileDialog::getOpenFileName(this, tr("Choose an Encoder File"), start,
                                                      tr("TorchScript files (*.pt *.pth *.ts);;All files (*)"));
    if (!file.isEmpty())
        m_path->setText(file);
}

void EncoderChoice::updateFileRow()
{
    const bool file = m_combo->currentData().toString() == kFileChoice;
    m_path->setVisible(file);
    m_browse->setVisible(file);
}
