#include "core/eval/modelio.h"

#include "core/eval/archiveintegrity.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QJsonDocument>
#include <QtCore/QSaveFile>

#include <sstream>

namespace {

const char kMetaFile[] = "fusionscope/meta.json";
const char kTokenizerFile[] = "fusionscope/tokenizer.model";

QString shapeText(const at::Tensor &tensor)
{
    QStringList dims;
    for (std::int64_t d : tensor.sizes())
        dims << QString::number(d);
    return QLatin1Char('[') + dims.join(QStringLiteral(", ")) + QLatin1Char(']');
}

/** The input shapes makeBatch produces for this preprocessing. */
struct InputShapes
{
    int textLength = 16;
    int imageSize = 64;
    int melBins = 64;
    int audioFrames = 100;
};

InputShapes shapesFromMeta(const ModelMeta &meta)
{
    InputShapes shapes;
    shapes.textLength = meta.preprocess.textLength;
    shapes.imageSize = meta.preprocess.imageSize;
    shapes.melBins = meta.preprocess.mel.melBins;
    shapes.audioFrames = meta.preprocess.audioFrames(); // what makeBatch produces
    return shapes;
}

/** Zip archives end with an end-of-central-directory record; a cut-off copy lacks it. */
bool hasZipDirectory(QFile &file)
{
    const qint64 tail = std::min<qint64>(file.size(), 22 + 65535);
    if (!file.seek(file.size() - tail))
        return false;
    return file.read(tail).contains(QByteArrayLiteral("PK\x05\x06"));
}

/** Says why a file cannot be a TorchScript archive before torch sees it; empty when it might be. */
QString precheckArchive(const QString &path)
{
    // stat() first: opening a FIFO for reading would block until a writer comes.
    const QString type = regularFileProblem(path);
    if (!type.isEmpty())
        return type;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("%1 cannot be read: %2").arg(path, file.errorString());
    if (file.size() == 0)
        return QStringLiteral("%1 is empty, not a TorchScript archive").arg(path);
    if (!file.read(4).startsWith(QByteArrayLiteral("PK\x03\x04")))
        return QStringLiteral("%1 is not a TorchScript archive (it is not a zip file)").arg(path);
    if (!hasZipDirectory(file))
        return QStringLiteral("%1 is a truncated or damaged zip archive (its central directory is missing)").arg(path);
    file.close();
    // LibTorch checks neither the CRCs nor the storage sizes; a damaged file must not load.
    return verifyModelArchive(path);
}

QString describeLoadFailure(const QString &path, const std::exception &error)
{
    const QString reason = torchErrorSentence(error);
    if (reason.contains(QLatin1String("constants.pkl")) || reason.contains(QLatin1String("code/")))
        return QStringLiteral("%1 is a zip file but not a TorchScript archive (a torch.save pickle? "
                              "export with torch.jit.script(model).save(path))")
            .arg(path);
    if (reason.contains(QLatin1String("central directory")) || reason.contains(QLatin1String("zip archive")))
        return QStringLiteral("%1 is a truncated or damaged zip archive (%2)").arg(path, reason);
    return QStringLiteral("%1 is not a readable TorchScript archive: %2").arg(path, reason);
}

} // namespace

QString torchErrorSentence(const std::exception &error)
{
    const auto *c10Error = dynamic_cast<const c10::Error *>(&error);
    QString text = QString::fromUtf8(c10Error ? c10Error->what_without_backtrace() : error.what());
    // A TorchScript failure carries its script traceback; the last line holds the reason.
    QStringList lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    while (!lines.isEmpty() && lines.constLast().trimmed().isEmpty())
        lines.removeLast();
    if (text.contains(QLatin1String("Traceback of TorchScript")) && !lines.isEmpty())
        text = lines.constLast();
    else if (!lines.isEmpty())
        text = lines.constFirst();
    text = text.trimmed();
    if (text.startsWith(QLatin1String("RuntimeError: ")))
        text = text.mid(14);
    return text.isEmpty() ? QStringLiteral("unknown torch error") : text;
}

void setTrainingMode(torch::jit::Module &module, bool training)
{
    try {
        module.train(training);
    } catch (const std::exception &) {
        // No "training" flag somewhere in the tree: nothing reads a mode there.
    }
}

std::int64_t parameterCount(const torch::jit::Module &module)
{
    std::int64_t count = 0;
    for (const at::Tensor &parameter : module.parameters(/*recurse=*/true))
        count += parameter.numel();
    return count;
}

QString forwardSchema(const torch::jit::Module &module)
{
    const auto forward = module.find_method("forward");
    if (!forward)
        return {};
    std::ostringstream text;
    text << forward->function().getSchema();
    return QString::fromStdString(text.str());
}

QString checkForwardSignature(const torch::jit::Module &module)
{
    const auto forward = module.find_method("forward");
    if (!forward)
        return QStringLiteral("the module has no forward method");
    const c10::FunctionSchema &schema = forward->function().getSchema();
    const auto &arguments = schema.arguments();
    // arguments()[0] is self.
    const int inputs = int(arguments.size()) - 1;
    if (inputs != 4) {
        QStringList names;
        for (std::size_t i = 1; i < arguments.size(); ++i)
            names << QString::fromStdString(arguments[i].name());
        return QStringLiteral("forward takes %1 input%2 (%3) but the contract needs 4 "
                              "(text, image, audio, present)")
            .arg(inputs)
            .arg(inputs == 1 ? QString() : QStringLiteral("s"))
            .arg(names.join(QStringLiteral(", ")));
    }
    for (std::size_t i = 1; i < arguments.size(); ++i) {
        if (!c10::TensorType::get()->isSubtypeOf(*arguments[i].type())) {
            return QStringLiteral("forward's input %1 (%2) has type %3 but the contract needs a Tensor")
                .arg(i)
                .arg(QString::fromStdString(arguments[i].name()),
                     QString::fromStdString(arguments[i].type()->annotation_str()));
        }
    }
    if (schema.returns().size() == 1) {
        const c10::TypePtr &returned = schema.returns()[0].type();
        const bool dict = returned->kind() == c10::TypeKind::DictType;
        const bool any = returned->kind() == c10::TypeKind::AnyType;
        if (!dict && !any)
            return QStringLiteral("forward returns %1 but the contract needs Dict[str, Tensor] with \"logits\"")
                .arg(QString::fromStdString(returned->annotation_str()));
    }
    return {};
}

QString checkModelContract(torch::jit::Module &module, const ModelMeta &meta, int expectedClasses, int *classes)
{
    const QString signature = checkForwardSignature(module);
    if (!signature.isEmpty())
        return signature;

    const InputShapes shapes = shapesFromMeta(meta);
    const std::int64_t batch = 2;
    std::vector<c10::IValue> inputs;
    at::Tensor text = torch::ones({batch, shapes.textLength}, torch::kInt64);
    if (shapes.textLength > 1)
        text[1].slice(0, shapes.textLength / 2).zero_(); // the second row is padded
    const auto ramp = [](std::vector<std::int64_t> sizes) {
        std::int64_t n = 1;
        for (std::int64_t s : sizes)
            n *= s;
        return torch::linspace(-1.0, 1.0, n, torch::kFloat32).reshape(sizes);
    };
    const at::Tensor image = ramp({batch, 3, shapes.imageSize, shapes.imageSize});
    const at::Tensor audio = ramp({batch, 1, shapes.melBins, shapes.audioFrames});
    const at::Tensor present = torch::ones({batch, 3}, torch::kFloat32);
    const QString inputText = QStringLiteral("text %1, image %2, audio %3, present %4")
                                  .arg(shapeText(text), shapeText(image), shapeText(audio), shapeText(present));

    c10::IValue output;
    const bool wasTraining = module.is_training();
    setTrainingMode(module, false);
    try {
        torch::NoGradGuard noGrad;
        output = module.forward({text, image, audio, present});
    } catch (const std::exception &error) {
        setTrainingMode(module, wasTraining);
        return QStringLiteral("forward fails on a batch of 2 (%1): %2").arg(inputText, torchErrorSentence(error));
    }
    setTrainingMode(module, wasTraining);

    if (!output.isGenericDict())
        return QStringLiteral("forward returns %1 but the contract needs Dict[str, Tensor] with \"logits\"")
            .arg(QString::fromStdString(output.type()->annotation_str()));
    const c10::Dict<c10::IValue, c10::IValue> dict = output.toGenericDict();
    const auto logits = dict.find(c10::IValue(std::string("logits")));
    if (logits == dict.end()) {
        QStringList keys;
        for (const auto &entry : dict)
            keys << (entry.key().isString() ? QString::fromStdString(entry.key().toStringRef()) : QStringLiteral("?"));
        return QStringLiteral("forward's output has no \"logits\" (its keys: %1)")
            .arg(keys.isEmpty() ? QStringLiteral("none") : keys.join(QStringLiteral(", ")));
    }
    if (!logits->value().isTensor())
        return QStringLiteral("forward's \"logits\" is not a Tensor");
    const at::Tensor values = logits->value().toTensor();
    if (values.dim() != 2 || values.size(0) != batch)
        return QStringLiteral("forward's \"logits\" has shape %1 for a batch of 2, expected [2, classes]")
            .arg(shapeText(values));
    if (!values.is_floating_point())
        return QStringLiteral("forward's \"logits\" are not floating point");
    if (classes)
        *classes = int(values.size(1));
    if (expectedClasses > 0 && values.size(1) != expectedClasses)
        return QStringLiteral("the model gives %1 logits per sample but there are %2 classes")
            .arg(values.size(1))
            .arg(expectedClasses);
    return {};
}

bool saveModelFile(const QString &path, const torch::jit::Module &module, const ModelMeta &meta,
                   const std::string &tokenizerModel, QString *error)
{
    const auto fail = [error](const QString &reason) {
        if (error)
            *error = reason;
        return false;
    };
    std::ostringstream archive;
    try {
        torch::jit::ExtraFilesMap extra;
        extra[kMetaFile] = QJsonDocument(meta.toJson()).toJson(QJsonDocument::Indented).toStdString();
        if (!tokenizerModel.empty())
            extra[kTokenizerFile] = tokenizerModel;
        // Saved in eval mode so torch.jit.load in Python predicts without dropout; a deep copy
        // leaves the caller's module (perhaps mid-training) untouched.
        if (module.is_training()) {
            torch::jit::Module copy = module.deepcopy();
            setTrainingMode(copy, false);
            copy.save(archive, extra);
        } else {
            module.save(archive, extra);
        }
    } catch (const std::exception &exception) {
        return fail(QStringLiteral("cannot serialise the model for %1: %2").arg(path, torchErrorSentence(exception)));
    }
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    const std::string bytes = archive.str();
    if (file.write(bytes.data(), qint64(bytes.size())) != qint64(bytes.size()) || !file.commit())
        return fail(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return true;
}

std::optional<LoadedModel> loadModelFile(const QString &path, QString *error)
{
    const auto fail = [error](const QString &reason) -> std::optional<LoadedModel> {
        if (error)
            *error = reason;
        return std::nullopt;
    };
    const QString precheck = precheckArchive(path);
    if (!precheck.isEmpty())
        return fail(precheck);

    LoadedModel loaded;
    torch::jit::ExtraFilesMap extra{{kMetaFile, std::string()}, {kTokenizerFile, std::string()}};
    try {
        loaded.module = torch::jit::load(QFile::encodeName(path).toStdString(), torch::kCPU, extra);
    } catch (const std::exception &exception) {
        return fail(describeLoadFailure(path, exception));
    } catch (...) {
        return fail(QStringLiteral("%1 is not a readable TorchScript archive").arg(path));
    }
    loaded.tokenizerModel = extra[kTokenizerFile];

    const std::string &metaText = extra[kMetaFile];
    if (!metaText.empty()) {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(QByteArray::fromStdString(metaText), &parseError);
        if (!document.isObject())
            return fail(QStringLiteral("%1 has a malformed %2: %3")
                            .arg(path, QLatin1String(kMetaFile),
                                 document.isNull() ? parseError.errorString() : QStringLiteral("not a JSON object")));
        QString reason;
        if (!ModelMeta::fromJson(document.object(), &loaded.meta, &reason))
            return fail(QStringLiteral("%1 has an unusable %2: %3").arg(path, QLatin1String(kMetaFile), reason));
        loaded.hasMeta = true;
    }

    try {
        setTrainingMode(loaded.module, false);
        // Without recorded preprocessing the shapes are only known once a dataset is read
        // (as for a file without meta.json), so only the signature is checked here.
        const QString contract = loaded.hasMeta && loaded.meta.hasPreprocess()
                                     ? checkModelContract(loaded.module, loaded.meta, int(loaded.meta.labels.size()))
                                     : checkForwardSignature(loaded.module);
        if (!contract.isEmpty())
            return fail(QStringLiteral("%1 does not follow the model contract: %2").arg(path, contract));
    } catch (const std::exception &exception) {
        return fail(QStringLiteral("%1 does not follow the model contract: %2").arg(path, torchErrorSentence(exception)));
    }
    return loaded;
}

DatasetOptions datasetOptionsForModel(const LoadedModel &model, DatasetOptions base)
{
    // Missing tokenizer: left empty, so the dataset trains one on its train split, as a new run does.
    base.tokenizerModel = model.tokenizerModel;
    if (!model.hasMeta)
        return base;
    // Labels are read as the model's task reads them (numeric class names stay classes).
    // A contrastive model learnt no labels: they are read as a new run reads them, to measure it.
    base.task = model.meta.task.hasTaskOutputs() ? requestFor(model.meta.task.kind) : TaskRequest::Auto;
    if (model.meta.task.isMultilabel())
        base.tagSeparator = model.meta.task.tagSeparator;
    if (model.meta.hasPreprocess()) {
        base.preprocess = model.meta.preprocess;
        base.frozenPreprocess = true;
        return base;
    }
    // No preprocess block: measured on the dataset as for a new run; the layout's sizes win over defaults.
    const PreprocessConfig defaults;
    const PreprocessConfig &fromLayout = model.meta.preprocess;
    if (base.preprocess.textLength == defaults.textLength)
        base.preprocess.textLength = fromLayout.textLength;
    if (base.preprocess.imageSize == defaults.imageSize)
        base.preprocess.imageSize = fromLayout.imageSize;
    if (base.preprocess.audioSeconds == defaults.audioSeconds && fromLayout.audioSeconds > 0.0) {
        base.preprocess.audioSeconds = fromLayout.audioSeconds;
        base.preprocess.maxAudioSeconds = std::max(base.preprocess.maxAudioSeconds, fromLayout.audioSeconds);
    }
    return base;
}

QString tokenizerFallbackNote(const LoadedModel &model, const QString &modelPath, const QString &datasetPath)
{
    if (!model.tokenizerModel.empty())
        return {};
    return QStringLiteral("%1 has no fusionscope/tokenizer.model: texts are tokenized by a SentencePiece model trained "
                          "on the train split of %2 at load, exactly as a new run would; the token ids match the "
                          "model only if it was trained that way (docs/external-models.md)")
        .arg(modelPath, datasetPath);
}
