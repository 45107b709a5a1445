#pragma once

#include <QtCore/QString>
#include <QtCore/QVariant>

class QComboBox;
class QFormLayout;
class QLabel;
class QWidget;

/** Small helpers the Model panel's forms share: rows with tooltips, choice lists, inline error marks. GUI thread. */
namespace formfields {

/** Adds "label: field" to the form with the same tooltip on both. */
void addRow(QFormLayout *form, const QString &label, QWidget *field, const QString &tooltip);
/** Appends a choice whose item data is `value` and whose tooltip explains it. */
void addChoice(QComboBox *combo, const QString &text, const QVariant &value, const QString &tooltip);
/** Selects the item whose data is `value`; false when there is none. */
bool selectData(QComboBox *combo, const QVariant &value);
/**
 * The config key a validate() sentence names: "dim" for "model config: dim must be …",
 * "learning_rate" for "train config: learning_rate …". Empty when it names none.
 */
QString fieldKey(const QString &validationMessage);
/** Tints the field as invalid and puts the reason in its tooltip; an empty message restores it. */
void markInvalid(QWidget *field, const QString &message);
/** A wrapped label for inline errors, tinted from the palette, hidden while empty. */
QLabel *createErrorLabel(QWidget *parent);
void setErrorText(QLabel *label, const QString &message);

} // namespace formfields
