# `cpack -G DEB` in the build folder produces fusionscope_<version>_amd64.deb for Debian 12;
# packaging/test-deb.sh builds, installs, runs and removes it.
install(FILES ${CMAKE_SOURCE_DIR}/resources/fusionscope.desktop DESTINATION share/applications)
install(FILES ${CMAKE_SOURCE_DIR}/resources/io.fusionscope.FusionScope.metainfo.xml DESTINATION share/metainfo)
install(FILES ${CMAKE_SOURCE_DIR}/resources/icons/fusionscope.png
        DESTINATION share/icons/hicolor/256x256/apps)

# Who answers for the package: Maintainer field, debian/copyright and changelog.Debian.
set(FUSIONSCOPE_DEB_MAINTAINER "FusionScope developers <maintainers@fusionscope.dev>" CACHE STRING
    "Maintainer of the .deb (name <address>)")
set(FUSIONSCOPE_DEB_RELEASE 1 CACHE STRING "Debian revision of the .deb (the -N in 0.1.0-N)")

# Debian policy: a DEP-5 copyright file and a gzipped changelog in share/doc/<package>.
set(deb_doc ${CMAKE_BINARY_DIR}/packaging/doc)
configure_file(${CMAKE_SOURCE_DIR}/resources/debian/copyright ${deb_doc}/copyright @ONLY)
configure_file(${CMAKE_SOURCE_DIR}/resources/debian/changelog ${deb_doc}/changelog.Debian @ONLY)
find_program(GZIP_EXECUTABLE gzip REQUIRED)
# -n: no name or time stamp in the .gz, so the package is reproducible.
add_custom_command(OUTPUT ${deb_doc}/changelog.Debian.gz
  COMMAND ${GZIP_EXECUTABLE} -9nkf ${deb_doc}/changelog.Debian
  DEPENDS ${deb_doc}/changelog.Debian VERBATIM)
add_custom_target(fusionscope_debian_docs ALL DEPENDS ${deb_doc}/changelog.Debian.gz)
install(FILES ${deb_doc}/copyright ${deb_doc}/changelog.Debian.gz DESTINATION share/doc/fusionscope)

# The man page is --help itself (help2man), so it cannot drift from the binary. The
# subcommands' own --help texts are listed under SEE ALSO by the include file.
find_program(HELP2MAN_EXECUTABLE help2man)
if(HELP2MAN_EXECUTABLE)
  set(man_page ${CMAKE_BINARY_DIR}/packaging/man/fusionscope.1)
  add_custom_command(OUTPUT ${man_page}.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/packaging/man
    COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen FUSIONSCOPE_NO_PROGRESS=1
            ${HELP2MAN_EXECUTABLE} --no-info --section=1 --version-string=${PROJECT_VERSION}
            "--name=workbench for multimodal (text, image, audio) deep learning"
            --include=${CMAKE_SOURCE_DIR}/resources/fusionscope.h2m
            --output=${man_page} $<TARGET_FILE:fusionscope>
    COMMAND ${GZIP_EXECUTABLE} -9nf ${man_page}
    DEPENDS fusionscope ${CMAKE_SOURCE_DIR}/resources/fusionscope.h2m VERBATIM)
  add_custom_target(fusionscope_manpage ALL DEPENDS ${man_page}.gz)
  install(FILES ${man_page}.gz DESTINATION share/man/man1)
else()
  message(WARNING "help2man not found: the .deb gets no man page (packaging/install-deps.sh installs it)")
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME fusionscope)
set(CPACK_PACKAGE_VENDOR "FusionScope")
set(CPACK_PACKAGE_CONTACT "${FUSIONSCOPE_DEB_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Workbench for multimodal deep learning (text, image, audio fusion)")
# The long description: what `apt show fusionscope` says under the summary.
# CPack puts the summary on the Description line itself, so the long text starts after it
# (a repeated first line is lintian's description-synopsis-is-duplicated); lines stay under 80.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "FusionScope opens a folder of paired text, image and audio samples
(a JSONL or CSV manifest) and trains fusion models on them - concatenation,
late fusion, gating, tensor and low-rank fusion, attention and graph
networks - with live loss curves. It shows why a model decides: attention
heatmaps over the image, the spectrogram and the words, and how much each
modality contributed (gates, leave-one-out, Shapley values).
.
Trained models are TorchScript files that Python PyTorch loads unchanged.
The same binary runs headless: train, eval, explain, export, info,
check-data and demo-data.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_DEBIAN_PACKAGE_RELEASE ${FUSIONSCOPE_DEB_RELEASE})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
# Shared-library dependencies come from dpkg-shlibdeps; OpenBLAS and the espeak data are
# runtime choices it cannot see (LibTorch is ~14x slower on the reference BLAS).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libopenblas0-pthread, espeak-ng-data")
# The demo's questions are partly Chinese; without a CJK font they render as boxes.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "fonts-wqy-microhei")
set(CPACK_STRIP_FILES ON)
include(CPack)
