#pragma once
// Precompiled for every core translation unit: torch alone costs ~20 s to parse.
#include <torch/torch.h>
#include <torch/script.h>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QJsonObject>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonArray>
#include <vector>
#include <string>
#include <memory>
