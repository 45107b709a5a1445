#include "ui/model/formfields.h"

#include <QtCore/QRegularExpression>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QFormLayout>
#include <QtWidgets/QLabel>

namespace {

const char kBaseTooltip[] = "fusionscopeBaseTooltip";

QColor blend(const QColor &a, const QColor &b, double t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t), float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}

/** Red that reads on light and dark palettes alike. */
QColor errorColor(const QPalette &palette)
{
    const bool dark = palette.color(QPalette::Window).lightnessF() < 0.5;
    return dark ? QColor(255, 120, 110) : QColor(190, 30, 30);
}

} // namespace

namespace formfields {

void addRow(QFormLayout *form, const QString &label, QWidget *field, const QString &tooltip)
{
    auto *caption = new QLabel(label, form->parentWidget());
    caption->setBuddy(field);
    caption->setToolTip(tooltip);
    field->setToolTip(tooltip);
    field->setProperty(kBaseTooltip, tooltip);
    form->addRow(caption, field);
}

void addChoice(QComboBox *combo, const QString &text, const QVariant &value, const QString &tooltip)
{
    combo->addItem(text, value);
    combo->setItemData(combo->count() - 1, tooltip, Qt::ToolTipRole);
}

bool selectData(QComboBox *combo, const QVariant &value)
{
    const int index = combo->findData(value);
    if (index < 0)
        return false;
    combo->setCurrentIndex(index);
    return true;
}

QString fieldKey(const QString &validationMessage)
{
    static const QRegularExpression pattern(QStringLiteral("^(?:model|train) config: ([a-z_]+)"));
    const QRegularExpressionMatch match = pattern.match(validationMessage);
    return match.hasMatch() ? match.captured(1) : QString();
}

void markInvalid(QWidget *field, const QString &message)
{
    const QString base = field->property(kBaseTooltip).toString();
    if (message.isEmpty()) {
        if (field->property("invalid").toBool()) {
            field->setPalette(QPalette()); // back to the inherited palette
            field->setProperty("invalid", false);
        }
        field->setToolTip(base);
        return;
    }
    const QPalette inherited = field->parentWidget() ? field->parentWidget()->palette() : field->palette();
    QPalette p = inherited;
    const QColor tint = errorColor(inherited);
    p.setColor(QPalette::Base, blend(inherited.color(QPalette::Base), tint, 0.25));
    p.setColor(QPalette::Button, blend(inherited.color(QPalette::Button), tint, 0.25));
    field->setPalette(p);
    field->setProperty("invalid", true);
    field->setToolTip(base.isEmpty() ? message : QStringLiteral("%1\n\n%2").arg(message, base));
}

QLabel *createErrorLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette p = label->palette();
    p.setColor(QPalette::WindowText, errorColor(p));
    label->setPalette(p);
    label->setVisible(false);
    return label;
}

void setErrorText(QLabel *label, const QString &message)
{
    label->setText(message);
    label->setVisible(!message.isEmpty());
}

} // namespace formfields
