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
        if (info.hasMeta) {
            info.contractChecked = true; // loadModelFile ran it with the meta's shapes
            info.classes = int(info.meta.labels.size());
        } else if (shapes) {
            ModelMeta probe;
            probe.preprocess = *shapes;
            const QString broken = checkModelContract(loaded->module, probe, expectedClasses, &info.classes);
            info.contractChecked = true;
            if (!broken.isEmpty())
                info.error = QStringLiteral("%1 does not follow the model contract: %2").arg(path, broken);
        }
    } catch (const std::exception &exception) {
        info.error = QStringLiteral("%1 does not follow the model contract: %2").arg(path, torchErrorSentence(exception));
    }
    return info;
}
