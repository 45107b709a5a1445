#include "core/explain/explainer.h"

#include "core/data/batch.h"
#include "core/eval/modelio.h"
#include "core/explain/modelrunner.h"
#include "core/explain/sampleexplainer.h"
#include "core/explain/splitexplainer.h"
#include "core/explain/taskreadout.h"

struct Explainer::Private
{
    QString path;
    LoadedModel model;
    std::shared_ptr<const Dataset> dataset;
    ExplainSettings settings;
    Precision precision = resolvePrecision(QStringLiteral("auto"));
    int output = -1; ///< the regression target or tag to explain; -1: the default
};

Explainer::Explainer() : d(std::make_unique<Private>()) {}
Explainer::~Explainer() = default;

std::unique_ptr<Explainer> Explainer::open(const QString &modelPath, QString *error)
{
    std::optional<LoadedModel> model = loadModelFile(modelPath, error);
    if (!model)
        return nullptr;
    std::unique_ptr<Explainer> explainer(new Explainer);
    explainer->d->path = modelPath;
    explainer->d->model = std::move(*model);
    setTrainingMode(explainer->d->model.module, false);
    return explainer;
}

QString Explainer::modelPath() const { return d->path; }
bool Explainer::hasMeta() const { return d->model.hasMeta; }
bool Explainer::hasTokenizer() const { return !d->model.tokenizerModel.empty(); }
const ModelMeta &Explainer::meta() const { return d->model.meta; }
QStringList Explainer::classNames() const { return d->settings.classNames; }
TokenGeometry Explainer::geometry() const { return d->settings.geometry; }

Precision Explainer::precision() const { return d->precision; }
void Explainer::setPrecision(Precision precision) { d->precision = precision; }

QString Explainer::fusionName() const
{
    return d->model.hasMeta && d->model.meta.builtIn ? d->model.meta.model.fusion : QStringLiteral("external");
}

DatasetOptions Explainer::datasetOptions(DatasetOptions base) const
{
    return datasetOptionsForModel(d->model, std::move(base)); // what the file lacks is taken as a new run would
}

QString Explainer::attach(std::shared_ptr<const Dataset> dataset)
{
    d->dataset.reset();
    if (!dataset)
        return QStringLiteral("no dataset");
    const TaskSpec &task = d->model.meta.task;
    if (d->model.hasMeta && !task.hasTaskOutputs())
        return attachRepresentation(std::move(dataset));
    ModelMeta shapes = d->model.meta;
    shapes.preprocess = dataset->preprocess();
    int classes = 0;
    const QString contract = checkModelContract(d->model.module, shapes, 0, &classes);
    setTrainingMode(d->model.module, false);
    if (!contract.isEmpty())
        return QStringLiteral("%1 does not follow the model contract: %2").arg(d->path, contract);
    if (task.hasTargets()) {
        // The columns are the recorded targets or tags; the dataset's are matched to them by name.
        if (classes != int(task.targets.size()))
            return QStringLiteral("%1 gives %2 outputs per sample but names %3 %4 (%5)")
                .arg(d->path).arg(classes).arg(task.targets.size())
                .arg(task.isRegression() ? QStringLiteral("targets") : QStringLiteral("tags"), task.targets.join(QStringLiteral(", ")));
        d->settings.classNames = task.targets;
    } else {
        const QString mismatch = attachClassNames(*dataset, classes);
        if (!mismatch.isEmpty())
            return mismatch;
    }
    d->settings.readout = TaskReadout::match(task, d->settings.classNames, *dataset, d->output);
    d->settings.geometry = TokenGeometry::fromLayout(d->model.hasMeta ? d->model.meta.tokenLayout : QJsonObject(),
                                                     dataset->preprocess());
    d->dataset = std::move(dataset);
    return {};
}

QString Explainer::attachRepresentation(std::shared_ptr<const Dataset> dataset)
{
    // A model trained without labels has no logits: its game is its representation (TaskReadout),
    // so one sample's forward must give what that reads.
    TaskReadout readout = TaskReadout::match(d->model.meta.task, {}, *dataset);
    if (dataset->size() > 0) {
        try {
            torch::NoGradGuard noGrad;
            const Batch one = makeBatch(*dataset, {0});
            readout.scores(runForward(d->model.module, one.text, one.image, one.audio, one.present, /*keepAttention=*/false,
                                      /*needLogits=*/false));
        } catch (const std::exception &error) {
            return QStringLiteral("%1 does not follow the model contract: %2").arg(d->path, torchErrorSentence(error));
        }
    }
    d->settings.classNames = {QStringLiteral("representation")};
    d->settings.readout = std::move(readout);
    d->settings.geometry = TokenGeometry::fromLayout(d->model.meta.tokenLayout, dataset->preprocess());
    d->dataset = std::move(dataset);
    return {};
}

QString Explainer::attachClassNames(const Dataset &dataset, int classes)
{
    const bool ownLabels = d->model.hasMeta && d->model.meta.hasLabels(); // else the dataset's
    QStringList names = ownLabels ? d->model.meta.labels : dataset.labels();
    if (ownLabels && classes != int(names.size()))
        return QStringLiteral("%1 gives %2 logits per sample but names %3 classes").arg(d->path).arg(classes).arg(names.size());
    if (!ownLabels && !names.isEmpty() && classes != int(names.size()))
        return QStringLiteral("%1 gives %2 logits per sample but the dataset has %3 labels (%4)")
            .arg(d->path).arg(classes).arg(names.size()).arg(names.join(QStringLiteral(", ")));
    for (int c = int(names.size()); c < classes; ++c)
        names << QString::number(c);
    d->settings.classNames = names;
    return {};
}

TaskKind Explainer::task() const { return d->model.meta.task.kind; }

QString Explainer::setExplainedOutput(const QString &name)
{
    const TaskSpec &task = d->model.meta.task;
    if (name.isEmpty()) {
        d->output = -1;
    } else if (!task.hasTaskOutputs()) {
        return QStringLiteral("%1 was trained without labels (%2): its explanations are of its representation; --output names "
                              "a regression target or a tag").arg(d->path, objectiveName(task.objective));
    } else if (!task.hasTargets()) {
        return QStringLiteral("%1 is a classifier: its explanations are of the predicted class; --output names a "
                              "regression target or a tag").arg(d->path);
    } else if (task.targets.indexOf(name) < 0) {
        return QStringLiteral("%1 has no %2 \"%3\"; it has %4").arg(d->path,
                   task.isRegression() ? QStringLiteral("target") : QStringLiteral("tag"), name, task.targets.join(QStringLiteral(", ")));
    } else {
        d->output = int(task.targets.indexOf(name));
    }
    d->settings.readout.chosen = d->output;
    return {};
}

SampleExplanation Explainer::explainSample(int index, bool gradInput)
{
    if (!d->dataset) {
        SampleExplanation sample;
        sample.error = QStringLiteral("no dataset attached");
        return sample;
    }
    ExplainSettings settings = d->settings;
    settings.gradInput = gradInput;
    SampleExplanation sample = ::explainSample(d->model.module, *d->dataset, index, settings);
    // What the maps taught about a model without a layout holds for every later sample.
    if (sample.error.isEmpty())
        d->settings.geometry = sample.geometry;
    return sample;
}

SplitExplanation Explainer::explainSplit(const std::vector<int> &indices, const SplitOptions &options,
                                         const ProgressCallback &progress, const CancelFlag *cancel)
{
    if (!d->dataset) {
        SplitExplanation split;
        split.error = QStringLiteral("no dataset attached");
        return split;
    }
    const PrecisionScope arithmetic(d->precision);
    return ::explainSplit(d->model.module, *d->dataset, indices, d->settings, options, progress, cancel);
}
