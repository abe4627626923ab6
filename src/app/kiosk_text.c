/* kiosk_text.c - the engine's sentences (see kiosk_text.h). A table, nothing else. */
/* Every entry has all three languages: test_kiosk_locale checks that none is missing. */
#include "kiosk_text.h"

#include <string.h>

static const char *const texts[FF_KT__COUNT][3] = {
    [FF_KT_STAFF_CONTINUES] = {"Thank you. A member of our staff will take it from here and "
                               "contact you.",
                               "Tak. En af vores medarbejdere tager over herfra og kontakter dig.",
                               "Gracias. Un miembro de nuestro equipo seguirá desde aquí y se "
                               "pondrá en contacto con usted."},
    [FF_KT_PERSON] = {"Please go to the service desk. A member of staff is on the way.",
                      "Gå venligst til servicedisken. En medarbejder er på vej.",
                      "Diríjase al mostrador de atención. Un miembro del equipo va en camino."},
    [FF_KT_TOO_LONG] = {"This is too long: write at most 500 characters.",
                        "Det er for langt: skriv højst 500 tegn.",
                        "Es demasiado largo: escriba como máximo 500 caracteres."},
    [FF_KT_PERSON_REASON] = {"Customer asked to talk to a person at the kiosk",
                             "Kunden bad om at tale med en person ved kiosken",
                             "El cliente pidió hablar con una persona en el quiosco"},
    [FF_KT_CONFUSING] = {"This step was confusing", "Dette trin var forvirrende",
                         "Este paso era confuso"},
    [FF_KT_NO_AVAILABILITY] = {"Kiosk: the customer asked for a visit; no engineer availability "
                               "was known on this device, please call back to book one",
                               "Kiosk: kunden bad om et besøg; der var ingen kendte ledige "
                               "montørtider på denne enhed, ring venligst tilbage og book et",
                               "Quiosco: el cliente pidió una visita; no se conocía ninguna "
                               "disponibilidad de técnicos en este equipo, llámele para "
                               "reservarla"},
    [FF_KT_CALL_BACK] = {"Kiosk: call the customer back within", "Kiosk: ring kunden op inden for",
                         "Quiosco: llamar al cliente en un plazo de"},
    [FF_KT_MINUTES] = {"minutes", "minutter", "minutos"},
};

const char *ff_kiosk_text(enum ff_kiosk_text_id id, const char *locale)
{
    int l = 0;
    if (locale && !strncmp(locale, "da", 2))
        l = 1;
    else if (locale && !strncmp(locale, "es", 2))
        l = 2;
    return texts[id][l];
}
