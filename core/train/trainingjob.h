#pragma once

#include "core/data/dataset.h"
#include "core/model/modelconfig.h"
#include "core/train/trainconfig.h"
#include "core/train/trainevents.h"
#include "core/util/precision.h"
#include "core/util/progress.h"

#include <QtCore/QString>
#include <QtCore/QStringList>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

struct LoadedModel;

/** Sets the model's input shapes (classes, vocabulary, text length, image size, mel bins, frames) from a dataset. */
void applyDatasetShapes(ModelConfig *model, const Dataset &dataset);

/** Called from the job's thread; keep them cheap (a GUI controller queues and throttles). */
struct TrainingCallbacks
{
    std::function<void(const Progress &)> progress; ///< dataset loading and the final evaluation
    std::function<void(const StepReport &)> stepFinished;
    std::function<void(const EpochReport &)> epochFinished;
    std::function<void(MessageLevel, const QString &)> message;
    std::function<void(const FinishReport &)> finished;
};

/**
 * One training run into a run folder (config.json, metrics.jsonl, checkpoints/, model.pt,
 * report.json), torch-free so ui/ can drive it. run() executes on the calling thread (a
 * worker QThread in the GUI); requestPause(), resume() and cancel() may be called from any
 * thread and take effect at the next batch.
 */
class TrainingJob
{
public:
    /** Trains on the dataset at `datasetPath`, loaded inside run(). */
    TrainingJob(const QString &datasetPath, const DatasetOptions &datasetOptions, const ModelConfig &model,
                const TrainConfig &train, const QString &runDir);
    /** Trains on an already loaded dataset (the GUI's). */
    TrainingJob(std::shared_ptr<const Dataset> dataset, const ModelConfig &model, const TrainConfig &train,
                const QString &runDir);
    /**
     * Continues the run in `runDir` from checkpoints/last.pt with the configuration its
     * config.json recorded. nullptr with a sentence in *error when the folder cannot be resumed.
     */
    static std::unique_ptr<TrainingJob> resumeRun(const QString &runDir, QString *error);
    ~TrainingJob();
    TrainingJob(const TrainingJob &) = delete;
    TrainingJob &operator=(const TrainingJob &) = delete;

    void setCallbacks(TrainingCallbacks callbacks) { m_callbacks = std::move(callbacks); }
    /** Overrides the recorded intra-op thread count (resume on another machine); 0 = all cores. */
    void setThreads(int threads) { m_train.threads = threads; }
    /** Uses this dataset instead of loading config.json's path (resume in the GUI). */
    void setDataset(std::shared_ptr<const Dataset> dataset) { m_dataset = std::move(dataset); }

    /** Trains to the end, to an early stop, a failure or a cancel. Never throws. */
    FinishReport run();

    void requestPause();
    void resume();
    void cancel();
    bool isPaused() const { return m_pauseRequested.load(); }
    /** The flag run() polls every batch; a signal handler may store true into it. */
    CancelFlag &cancelFlag() { return m_cancel; }

    QString runDir() const { return m_runDir; }
    const ModelConfig &modelConfig() const { return m_model; }
    const TrainConfig &trainConfig() const { return m_train; }
    /** The task the run trains for; resolved once the dataset is loaded (classify before). */
    const TaskSpec &task() const { return m_task; }

private:
    friend class Trainer;
    /** Blocks the worker while paused; returns false when cancelled. */
    bool waitWhilePaused();
    void emitMessage(MessageLevel level, const QString &text) const;
    FinishReport finish(FinishReport report) const;
    /** Narrows the dataset to train.targets (or a resumed run's recorded ones); false with *error naming an unknown one. */
    bool chooseTargets(QString *error);
    /** The run's TaskSpec: its objective, and for a supervised part what the labels are. */
    bool resolveTask(QString *error);
    /** The task of the loaded dataset, with the regression targets' standardisation; false with *error. */
    bool resolveLabelTask(QString *error);
    /** multilabel: the tags, BCE and (class_weights balanced) positive weights from the train split. */
    bool resolveTags(QString *error);
    /** Loads the dataset (and the --init model), fills the model's input shapes, writes config.json. */
    bool prepare(QString *error, std::optional<LoadedModel> *initial);
    bool prepareRunFolder(QString *error);

    QString m_datasetPath;
    DatasetOptions m_datasetOptions;
    std::shared_ptr<const Dataset> m_dataset;
    ModelConfig m_model;
    TrainConfig m_train;
    QString m_runDir;
    bool m_resume = false;
    Precision m_precision = Precision::Fp32; ///< m_train.precision resolved by prepare()
    QStringList m_expectedLabels; ///< the labels config.json recorded (resume)
    bool m_initNeedsNewHead = false; ///< init_model learned another task: rebuild, keep the matching weights
    TaskSpec m_task;              ///< resolved by prepare() (resume: config.json's, standardisation included)
    bool m_taskRecorded = false;  ///< m_task came from config.json
    TrainingCallbacks m_callbacks;

    CancelFlag m_cancel{false};
    std::atomic_bool m_pauseRequested{false};
    std::mutex m_pauseMutex;
    std::condition_variable m_pauseChanged;
};
