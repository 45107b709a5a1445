#include "core/explain/explainer.h"

#include "core/eval/modelio.h"
#include "core/explain/sampleexplainer.h"
#include "core/explain/splitexplainer.h"

struct Explainer::Private
{
    QString path;
    LoadedModel model;
    std::shared_ptr<const Dataset> dataset;
    ExplainSettings settings;
    Precision precision = resolvePrecision(QStringLiteral("auto"));
};

Explainer::Explainer() : d(std::make_unique<Private>()) {}
Explainer::~Explainer() = default;

std::unique_ptr<Explainer> Explainer::open(const QString &modelPath, QString *error)
{
    std::optional<LoadedModel> model = loadModelFile(modelPath, error);
    if (!model)
        return nullptr;
    if (model->meta.task.hasTargets()) {
        // Every explanation here is of a class's log-probability; a regression or a tag set has none.
        if (error)
            *error = QStringLiteral("%1 is a %2 model (%3): explanations (attention maps, Shapley values, the "
                                    "split analysis) cover classifiers only in this version; score it with "
                                    "fusionscope eval, which reports %4")
                         .arg(modelPath, model->meta.task.isRegression() ? QStringLiteral("regression") : QStringLiteral("multi-label"),
                              model->meta.task.targets.join(QStringLiteral(", ")),
                              model->meta.task.isRegression() ? QStringLiteral("every target's error and R²")
                                                              : QStringLiteral("every tag's precision, recall and AP"));
        return nullptr;
    }
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
    ModelMeta shapes = d->model.meta;
    shapes.preprocess = dataset->preprocess();
    int classes = 0;
    const QString contract = checkModelContract(d->model.module, shapes, 0, &classes);
    setTrainingMode(d->model.module, false);
    if (!contract.isEmpty())
        return QStringLiteral("%1 does not follow the model contract: %2").arg(d->path, contract);
    const bool ownLabels = d->model.hasMeta && d->model.meta.hasLabels(); // else the dataset's
    QStringList names = ownLabels ? d->model.meta.labels : dataset->labels();
    if (ownLabels && classes != int(names.size()))
        return QStringLiteral("%1 gives %2 logits per sample but names %3 classes").arg(d->path).arg(classes).arg(names.size());
    if (!ownLabels && !names.isEmpty() && classes != int(names.size()))
        return QStringLiteral("%1 gives %2 logits per sample but the dataset has %3 labels (%4)")
            .arg(d->path).arg(classes).arg(names.size()).arg(names.join(QStringLiteral(", ")));
    for (int c = int(names.size()); c < classes; ++c)
        names << QString::number(c);
    d->settings.classNames = names;
    d->settings.geometry = TokenGeometry::fromLayout(d->model.hasMeta ? d->model.meta.tokenLayout : QJsonObject(),
                                                     dataset->preprocess());
    d->dataset = std::move(dataset);
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
