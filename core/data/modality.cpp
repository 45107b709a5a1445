#include "core/data/modality.h"

QString modalityName(Modality modality)
{
    switch (modality) {
    case Modality::Text: return QStringLiteral("text");
    case Modality::Image: return QStringLiteral("image");
    case Modality::Audio: return QStringLiteral("audio");
    }
    return {};
}
