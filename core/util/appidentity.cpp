#include "core/util/appidentity.h"

#include <QtCore/QCoreApplication>

void setupApplicationIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("FusionScope"));
    QCoreApplication::setApplicationName(QStringLiteral("fusionscope"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FUSIONSCOPE_VERSION));
}
