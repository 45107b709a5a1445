#include "core/eval/modelfileinfo.h"

#include "core/eval/modelio.h"

#include <QtCore/QFileInfo>

ModelFileInfo inspectModelFile(const QString &path, const PreprocessConfig *shapes, int expectedClasses)
{
    ModelFileInfo info;
    info.path = path;
    info.fileBytes = QFileInfo(path).size();
    std::optional<LoadedModel> loaded = loadModelFile(path, &info.error);
    if (!loaded)
        return info;
    info.hasMeta = loaded->hasMeta;
    info.meta = loaded->meta;
    try {
        info.parameters = parameterCount(loaded->module);
        info.forwardSchema = forwardSchema(loaded->module);
        info.hasTokenizer = !loaded->tokenizerModel.empty();
        if (info.hasMeta && info.meta.hasPreprocess()) {
            info.contractChecked = true; // loadModelFile ran it with the meta's shapes
            info.classes = int(info.meta.labels.size());
        } else if (shapes) {
            // The shapes this dataset would be read with for this model (token layout included).
            DatasetOptions options;
            options.preprocess = *shapes;
            ModelMeta probe;
            probe.preprocess = datasetOptionsForModel(*loaded, options).preprocess;
            const int expected = info.meta.hasLabels() ? int(info.meta.labels.size()) : expectedClasses;
            const QString broken = checkModelContract(loaded->module, probe, expected, &info.classes);
            info.contractChecked = true;
            if (!broken.isEmpty())
                info.error = QStringLiteral("%1 does not follow the model contract: %2").arg(path, broken);
        }
    } catch (const std::exception &exception) {
        info.error = QStringLiteral("%1 does not follow the model contract: %2").arg(path, torchErrorSentence(exception));
    }
    return info;
}
