"""Dutch strong and irregular verbs: infinitive, past singular, past plural, participle; present
forms that do not follow from the infinitive in a fifth column (kom/komt, not koom). Written for
qcode's search lemmas.

Alternatives are joined by `/`; `-` marks a form left out because it is also a common word in
interviews (reden "reason" is not looked up as rijden, weken "weeks" not as wijken, was not as
wassen), so that searching the one does not bring in the other; so does a present column where the
stem is such a word (geld: gelden has geldt only). Verbs with a prefix (vertrekken, besluiten, opgeven)
are found through the simple verb by `qcode.lemmas`.
"""
from __future__ import annotations

_TABLE = """
bakken bakte bakten gebakken
bederven bedierf bedierven bedorven
bedriegen bedroog bedrogen bedrogen
beginnen begon begonnen begonnen
bevelen beval bevalen bevolen
bewegen bewoog bewogen bewogen
bidden bad/- baden gebeden
bieden bood boden geboden
bijten beet beten gebeten
binden bond bonden gebonden
blijken bleek bleken gebleken
blijven bleef bleven gebleven
breken brak braken gebroken
brengen bracht brachten gebracht
buigen boog/- bogen gebogen
denken dacht dachten gedacht
doen deed deden gedaan doe/doet
dragen droeg droegen gedragen
drijven dreef dreven gedreven
dringen drong drongen gedrongen
drinken dronk dronken gedronken
dwingen dwong dwongen gedwongen
eten at aten gegeten
gaan ging gingen gegaan ga/gaat
gelden gold golden gegolden geldt
genieten genoot genoten genoten
geven gaf gaven gegeven
glijden gleed gleden gegleden
grijpen greep grepen gegrepen
hangen hing hingen gehangen
hebben had hadden gehad heb/hebt/heeft
helpen hielp hielpen geholpen
heten heette heetten geheten
houden hield hielden gehouden hou/houd/houdt
kijken keek keken gekeken
kiezen koos kozen gekozen
klimmen klom klommen geklommen
klinken klonk klonken geklonken
komen kwam kwamen gekomen kom/komt
kopen kocht kochten gekocht
krijgen kreeg kregen gekregen
kruipen kroop kropen gekropen
kunnen kon konden gekund kan/kun/kunt
lachen lachte lachten gelachen
laten liet lieten gelaten laat
lezen las lazen gelezen
liegen loog logen gelogen
liggen lag lagen gelegen
lijden leed -/leden geleden
lijken leek leken geleken
lopen liep liepen gelopen
meten -/mat maten gemeten
moeten moest moesten gemoeten
mogen mocht mochten gemogen/gemoogd mag
nemen nam namen genomen
prijzen prees prezen geprezen
rijden reed - gereden
roepen riep riepen geroepen
ruiken rook roken geroken
scheiden scheidde scheidden gescheiden
schelden schold scholden gescholden
schenken schonk schonken geschonken
schieten schoot schoten geschoten
schijnen scheen schenen geschenen
schrijven schreef schreven geschreven
schrikken schrok schrokken geschrokken
schuiven schoof schoven geschoven
slaan sloeg sloegen geslagen sla/slaat
slapen sliep sliepen geslapen
sluiten -/sloot sloten gesloten
snijden sneed sneden gesneden
spreken sprak spraken gesproken
springen sprong sprongen gesprongen
staan stond stonden gestaan sta/staat
steken stak staken gestoken
stelen -/stal stalen gestolen
sterven stierf stierven gestorven
stijgen steeg stegen gestegen
strijden streed streden gestreden
treden trad traden getreden
trekken trok trokken getrokken
vallen viel vielen gevallen
vangen ving vingen gevangen
varen - - gevaren
vechten vocht vochten gevochten
vergeten vergat vergaten vergeten
verliezen verloor verloren verloren
vinden vond vonden gevonden
vliegen vloog vlogen gevlogen
vragen vroeg vroegen gevraagd
wassen - - gewassen -
wegen woog wogen gewogen
werpen wierp wierpen geworpen
werven wierf wierven geworven
weten wist wisten geweten weet
willen wilde/wou wilden/wouden gewild wil/wilt
winnen won wonnen gewonnen
worden werd werden geworden
zeggen zei/zegde zeiden/zegden gezegd
zenden zond zonden gezonden
zien zag zagen gezien zie/ziet
zijn was waren geweest ben/bent/is
zingen zong zongen gezongen
zitten zat zaten gezeten
zoeken zocht zochten gezocht
zullen zou zouden - zal/zult
zwemmen zwom zwommen gezwommen
zwijgen zweeg zwegen gezwegen
"""


def irregular_forms() -> dict[str, str]:
    """Each form → its infinitive: the listed forms, the infinitive itself, and the present forms
    (stem, stem + t) where the fifth column does not list them."""
    forms: dict[str, str] = {}
    for line in _TABLE.strip().splitlines():
        infinitive, *columns = line.split()
        forms[infinitive] = infinitive
        if len(columns) < 4:
            stem = present_stem(infinitive)
            columns.append(stem if stem.endswith("t") else f"{stem}/{stem}t")
        for column in columns:
            for form in column.split("/"):
                if form != "-":
                    forms.setdefault(form, infinitive)
    return forms


def present_stem(infinitive: str) -> str:
    """The stem of a verb in -en: zitten → zit, nemen → neem, geven → geef, kiezen → kies, vinden → vind."""
    stem = infinitive[:-2]
    if stem[-1] == stem[-2]:
        stem = stem[:-1]
    elif stem[-2] in "aeou" and (len(stem) < 3 or stem[-3] not in "aeiouy"):
        stem = stem[:-1] + stem[-2] + stem[-1]  # an open syllable: its vowel doubles when closed
    return stem[:-1] + {"v": "f", "z": "s"}.get(stem[-1], stem[-1])
