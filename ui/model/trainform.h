#pragma once

#include "core/train/trainconfig.h"

#include <QtCore/QHash>
#include <QtWidgets/QWidget>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class TargetChooser;

/**
 * The training half of the Model panel: the task (what the labels are, as inferred from the
 * loaded dataset or chosen here, and the regression loss), then TrainConfig's optimiser,
 * schedule, regularisation and stopping fields with tooltips. The learning rate and weight decay are typed (3e-4), so
 * they can hold text that is not a number: parseError() names it. GUI thread.
 */
class TrainForm final : public QWidget
{
    Q_OBJECT
public:
    explicit TrainForm(QWidget *parent = nullptr);

    TrainConfig config() const;
    void setConfig(const TrainConfig &config);
    /** A sentence in TrainConfig::validate's style when a typed field is not a number, else empty. */
    QString parseError() const;
    QWidget *field(const QString &key) const { return m_fields.value(key); }
    /** What the loaded dataset's labels read as: "multilabel (inferred: …) · 9 tags: cell_0, …"; empty: no dataset. */
    void setDatasetTask(const QString &description);
    QString datasetTaskText() const;
    /** The loaded dataset's regression targets or tags, to choose from; empty for classes (hidden). */
    void setDatasetTargets(const QStringList &names);
    QList<QWidget *> fields() const { return m_fields.values(); }

Q_SIGNALS:
    void changed();
    /** The user chose another task: the dataset must be read again with it. */
    void taskChosen(const QString &task);
    /** The user checked or unchecked a target: the model's output count changes. */
    void targetsChosen();

private:
    void updateTaskFields();

    QComboBox *m_task;
    QComboBox *m_objective; ///< supervised, contrastive, contrastive+supervised (TrainConfig::supervised, contrastiveWeight)
    double m_contrastiveWeight = 1.0; ///< the alignment's weight when the objective has one (a loaded config's)
    QComboBox *m_regressionLoss;
    QLabel *m_datasetTask;
    TargetChooser *m_targets;
    QWidget *m_targetsLabel; ///< the "Learn:" row label, hidden with the chooser
    QSpinBox *m_epochs;
    QSpinBox *m_batchSize;
    QLineEdit *m_learningRate;
    QLineEdit *m_weightDecay;
    QSpinBox *m_warmupSteps;
    QDoubleSpinBox *m_warmupFraction;
    QDoubleSpinBox *m_gradClip;
    QComboBox *m_precision;
    QDoubleSpinBox *m_labelSmoothing;
    QDoubleSpinBox *m_modalityDropout;
    QSpinBox *m_patience;
    QComboBox *m_classWeights;
    QSpinBox *m_seed;
    QHash<QString, QWidget *> m_fields;
};
