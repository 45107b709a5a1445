#pragma once

#include "core/data/dataset.h"
#include "core/eval/modelfileinfo.h"
#include "core/model/modelconfig.h"
#include "core/model/modelsummary.h"
#include "core/train/trainconfig.h"

#include <QtWidgets/QWidget>
#include <memory>

class ModelBackground;
class ModelFileCard;
class ModelForm;
class ModelSummaryView;
class QLabel;
class QTimer;
class TrainForm;

/**
 * The Model tab: encoders, fusion and sizes (ModelForm), training hyperparameters
 * (TrainForm), inline validation, a live parameter count and summary built off the GUI
 * thread, and "Open Model File…" for exported or external TorchScript models. GUI thread.
 */
class ModelPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit ModelPanel(QWidget *parent = nullptr);

    /** The dataset whose shapes (classes, vocabulary, sizes) the model is built for; nullptr = placeholders. */
    void setDataset(std::shared_ptr<const Dataset> dataset);
    /** The form's model with the dataset's input shapes applied. */
    ModelConfig modelConfig() const;
    TrainConfig trainConfig() const;
    void setModelConfig(const ModelConfig &config);
    void setTrainConfig(const TrainConfig &config);
    /** How the chosen task asks the dataset's labels to be read (Auto: inferred). */
    TaskRequest taskRequest() const;

    bool isValid() const { return m_validationError.isEmpty(); }
    /** A sentence naming the invalid field, empty when the configs are valid. */
    QString validationError() const { return m_validationError; }
    /** Of the latest summary; -1 while it is being built or the config is invalid. */
    qint64 parameterCount() const;

    /** Opens the file on a worker; the result shows in the Model file box. */
    void openModelFile(const QString &path);
    /** The last opened file's description; its error is in info.error. */
    const ModelFileInfo &modelFileInfo() const { return m_fileInfo; }

Q_SIGNALS:
    void configChanged();
    void validityChanged(bool valid, const QString &message);
    /** A new summary arrived (parameters = -1 when the model could not be built). */
    void summaryUpdated(qint64 parameters);
    /** A model file opened and follows the contract. */
    void modelFileOpened(const QString &path);
    /** A model file could not be opened (reason is one sentence). */
    void modelFileFailed(const QString &path, const QString &reason);
    /** The user chose another task: the dataset's labels must be read again as it asks. */
    void taskRequested(TaskRequest task);

private:
    void onFormChanged();
    void validate();
    void requestSummary();
    void onSummary(const ModelSummary &summary, const ModelConfig &config);
    void onFileInspected(const ModelFileInfo &info);
    void chooseModelFile();
    void updateShapesNote();
    void saveConfigs() const;
    void restoreConfigs();

    ModelForm *m_modelForm;
    TrainForm *m_trainForm;
    QLabel *m_error;
    ModelSummaryView *m_summary;
    ModelFileCard *m_fileCard;
    ModelBackground *m_background;
    QTimer *m_summaryDelay;
    std::shared_ptr<const Dataset> m_dataset;
    QString m_validationError;
    ModelFileInfo m_fileInfo;
    bool m_restoring = false;
};
