#pragma once

/** Organisation/application names for QSettings and QStandardPaths; call once after the app object. */
void setupApplicationIdentity();
