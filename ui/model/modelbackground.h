#pragma once

#include "core/data/preprocessconfig.h"
#include "core/eval/modelfileinfo.h"
#include "core/model/modelconfig.h"
#include "core/model/modelsummary.h"

#include <QtCore/QObject>
#include <QtCore/QThread>
#include <optional>

/**
 * Builds model summaries and opens model files on a worker QThread it owns, so editing a
 * field never waits for a model to be built. Summary requests coalesce: while one builds,
 * only the newest waiting request is kept. Lives on the GUI thread.
 */
class ModelBackground final : public QObject
{
    Q_OBJECT
public:
    explicit ModelBackground(QObject *parent = nullptr);
    ~ModelBackground() override;

    void requestSummary(const ModelConfig &config);
    /** `shapes`: the loaded dataset's preprocessing, used to check a file without metadata. */
    void inspectFile(const QString &path, std::optional<PreprocessConfig> shapes, int expectedClasses);
    bool isSummarizing() const { return m_summarizing; }

Q_SIGNALS:
    void summaryReady(const ModelSummary &summary, const ModelConfig &config);
    void fileInspected(const ModelFileInfo &info);

private:
    void startSummary(const ModelConfig &config);
    void onSummary(const ModelSummary &summary, const ModelConfig &config);

    QThread m_thread;
    QObject *m_context = nullptr; // lives on m_thread; work runs in its event loop
    bool m_summarizing = false;
    std::optional<ModelConfig> m_waiting;
};
