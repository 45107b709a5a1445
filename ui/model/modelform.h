#pragma once

#include "core/model/modelconfig.h"

#include <QtCore/QHash>
#include <QtWidgets/QWidget>

class EncoderChoice;
class QComboBox;
class QDoubleSpinBox;
class QSpinBox;

/**
 * The architecture half of the Model panel: encoders, fusion strategy and sizes, each with
 * a tooltip. Fields that the chosen fusion ignores are disabled. GUI thread.
 */
class ModelForm final : public QWidget
{
    Q_OBJECT
public:
    explicit ModelForm(QWidget *parent = nullptr);

    /** The architecture fields; input shapes keep ModelConfig's defaults. */
    ModelConfig config() const;
    void setConfig(const ModelConfig &config);
    /** The editor of a config key ("dim", "image_encoder", ...), nullptr when the form has none. */
    QWidget *field(const QString &key) const { return m_fields.value(key); }
    QList<QWidget *> fields() const { return m_fields.values(); }

Q_SIGNALS:
    void changed();

private:
    void updateRelevance();

    QComboBox *m_fusion;
    QComboBox *m_text;
    EncoderChoice *m_image;
    EncoderChoice *m_audio;
    QSpinBox *m_dim;
    QSpinBox *m_heads;
    QSpinBox *m_layers;
    QDoubleSpinBox *m_dropout;
    QSpinBox *m_textLayers;
    QComboBox *m_norm;
    QSpinBox *m_rank;
    QHash<QString, QWidget *> m_fields;
};
