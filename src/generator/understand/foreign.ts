/**
 * Reading requests in French, German, Spanish, Portuguese, Italian and Dutch. Three things name records:
 * a noun table (one row per kind of record, its singular in each language; plurals come from each language's
 * rules), the noun after a word for "each" ("chaque séance", "jede Fahrt"), and the noun a container names
 * ("un diário de leituras", "een lijst van fietsen"). Verbs that make a record ("votar", "inschrijven")
 * give the record of the act. A known noun gets its English name, so the usual fields apply; any other
 * noun keeps the user's own word, accents and all, as its label.
 */
import { asciiWords } from './identifiers.ts';

export type ForeignLanguage = 'fr' | 'de' | 'es' | 'pt' | 'it' | 'nl';
const LANGUAGES: readonly ForeignLanguage[] = ['fr', 'de', 'es', 'pt', 'it', 'nl'];

/** English record → its singulars in fr | de | es | pt | it | nl (several per language, comma-separated). */
const NOUN_ROWS: Readonly<Record<string, string>> = {
  task: 'tâche | aufgabe | tarea | tarefa | compito | taak',
  note: 'note | notiz | nota | nota | nota | notitie',
  contact: 'contact | kontakt | contacto | contato, contacto | contatto | contact',
  book: 'livre | buch | libro | livro | libro | boek',
  product: 'produit | produkt | producto | produto | prodotto | product',
  event: 'événement | veranstaltung | evento | evento | evento | evenement',
  recipe: 'recette | rezept | receta | receita | ricetta | recept',
  expense: 'dépense | ausgabe | gasto | despesa | spesa | uitgave',
  customer: 'client, cliente | kunde, kundin | cliente | cliente | cliente | klant',
  invoice: 'facture | rechnung | factura | fatura | fattura | factuur',
  apartment: 'appartement | wohnung | apartamento, piso | apartamento | appartamento | appartement',
  tenant: 'locataire | mieter | inquilino | inquilino | inquilino | huurder',
  payment: 'paiement | zahlung | pago | pagamento | pagamento | betaling',
  member: 'membre, adhérent | mitglied | socio, miembro | sócio, membro | socio, membro | lid',
  student: 'élève, étudiant | schüler, student | estudiante, alumno | aluno, estudante | studente, alunno | leerling, student',
  course: 'cours | kurs | curso | curso | corso | cursus',
  car: 'voiture, véhicule | auto, fahrzeug | coche, vehículo | carro, veículo | auto, veicolo | auto, voertuig',
  session: 'séance, session | sitzung | sesión | sessão | sessione, seduta | sessie',
  trip: 'trajet, voyage | fahrt, reise | viaje, trayecto | viagem | viaggio | rit, reis',
  reading: 'lecture | lektüre | lectura | leitura | lettura | leesbeurt',
  activity: 'activité | aktivität | actividad | atividade | attività | activiteit',
  registration: 'inscription | anmeldung, registrierung | inscripción | inscrição | iscrizione | inschrijving, aanmelding',
  vote: 'vote | stimme | voto | voto | voto | stem',
  category: 'catégorie | kategorie | categoría | categoria | categoria | categorie',
  option: 'option | option | opción | opção | opzione | optie',
  participant: 'participant | teilnehmer | participante | participante | partecipante | deelnemer',
  candidate: 'candidat | kandidat | candidato | candidato | candidato | kandidaat',
  quote: 'devis | angebot, kostenvoranschlag | presupuesto | orçamento | preventivo | offerte',
  restaurant: 'restaurant | restaurant | restaurante | restaurante | ristorante | restaurant',
  bike: 'vélo | fahrrad | bicicleta | bicicleta | bicicletta | fiets',
  patient: 'patient | patient | paciente | paciente | paziente | patiënt',
  treatment: 'soin, traitement | behandlung | tratamiento | tratamento | trattamento | behandeling',
  appointment: 'rendez-vous | verabredung | cita | marcação, agendamento | appuntamento | afspraak',
  message: 'message | nachricht | mensaje | mensagem | messaggio | bericht',
  request: 'demande | anfrage | solicitud | solicitação, pedido | richiesta | aanvraag, verzoek',
  order: 'commande | bestellung | pedido | encomenda | ordine | bestelling',
  reservation: 'réservation | reservierung, buchung | reserva | reserva | prenotazione | reservering, boeking',
  employee: 'employé, salarié | mitarbeiter | empleado | funcionário | dipendente | medewerker',
  project: 'projet | projekt | proyecto | projeto | progetto | project',
  question: 'question | frage | pregunta | pergunta | domanda | vraag',
  answer: 'réponse | antwort | respuesta | resposta | risposta | antwoord',
  team: 'équipe | mannschaft | equipo | equipe | squadra | ploeg',
  player: 'joueur | spieler | jugador | jogador | giocatore | speler',
  match: 'match | spiel | partido | partida, jogo | partita | wedstrijd',
  plant: 'plante | pflanze | planta | planta | pianta | plant',
  pet: 'animal | haustier | mascota | animal | animale | huisdier',
  visit: 'visite | besuch | visita | visita | visita | bezoek',
  room: 'chambre, salle | zimmer, raum | habitación, sala | quarto, sala | camera, stanza | kamer',
  supplier: 'fournisseur | lieferant | proveedor | fornecedor | fornitore | leverancier',
  document: 'document | dokument | documento | documento | documento | document',
  service: 'prestation | dienstleistung | servicio | serviço | servizio | dienst',
  review: 'avis | bewertung | reseña | avaliação | recensione | recensie',
  comment: 'commentaire | kommentar | comentario | comentário | commento | opmerking',
  photo: 'photo | foto | foto | foto | foto | foto',
  child: 'enfant | kind | niño | criança | bambino | kind',
  teacher: 'professeur, enseignant | lehrer | profesor | professor | insegnante | leraar',
  class: 'classe | klasse | clase | turma | classe | klas',
  lesson: 'leçon | lektion | lección | aula | lezione | les',
  ticket: 'billet | ticket | entrada, billete | ingresso, bilhete | biglietto | kaartje',
  item: 'article | artikel | artículo | artigo | articolo | artikel',
  dish: 'plat | gericht | plato | prato | piatto | gerecht',
  shift: 'créneau | schicht | turno | turno | turno | dienst',
  volunteer: 'bénévole | freiwilliger | voluntario | voluntário | volontario | vrijwilliger',
  donation: 'donation | spende | donación | doação | donazione | donatie',
  meal: 'repas | mahlzeit | comida | refeição | pasto | maaltijd',
  measurement: 'mesure | messung | medición | medição | misurazione | meting',
  house: 'maison | haus | casa | casa | casa | huis',
  job: 'offre | stellenangebot | oferta | vaga | offerta | vacature',
  application: 'candidature | bewerbung | postulación | candidatura | candidatura | sollicitatie',
  complaint: 'réclamation, plainte | beschwerde, reklamation | queja, reclamación | reclamação | reclamo | klacht',
  tool: 'outil | werkzeug | herramienta | ferramenta | attrezzo | gereedschap',
  loan: 'prêt | ausleihe | préstamo | empréstimo | prestito | uitlening',
  survey: 'sondage, enquête | umfrage | encuesta | pesquisa, enquete | sondaggio | enquête',
  song: 'chanson | lied | canción | canção, música | canzone | liedje',
  film: 'film | film | película | filme | film | film',
  album: 'album | album | álbum | álbum | album | album',
  game: 'jeu | brettspiel | juego | jogo | gioco | spel',
  recording: 'enregistrement | aufnahme | grabación | gravação | registrazione | opname',
  delivery: 'livraison | lieferung | entrega | entrega | consegna | levering',
  subscription: 'abonnement | abonnement | suscripción | assinatura | abbonamento | abonnement',
  warranty: 'garantie | garantie | garantía | garantia | garanzia | garantie',
  contract: 'contrat | vertrag | contrato | contrato | contratto | contract',
  vehicle: 'camion | lkw | camión | caminhão | camion | vrachtwagen',
  guest: 'hôte, invité | gast | huésped, invitado | hóspede, convidado | ospite, invitato | gast',
  table_booking: 'table | tisch | mesa | mesa | tavolo | tafel',
  vacation: 'congé, vacances | urlaub | vacaciones | férias | ferie | vakantie, verlof',
  fee: 'cotisation | beitrag, gebühr | cuota | quota, mensalidade | quota, retta | contributie',
  exam: 'examen | prüfung | examen | exame, prova | esame | examen, toets',
  grade: 'résultat | schulnote | calificación | avaliação | valutazione | cijfer',
  doctor: 'médecin | arzt, ärztin | médico | médico | medico | arts, dokter',
  medication: 'médicament | medikament | medicamento | medicamento, remédio | farmaco, medicinale | medicijn',
  vaccination: 'vaccin, vaccination | impfung | vacuna | vacina | vaccino, vaccinazione | vaccinatie, inenting',
  maintenance: 'entretien, maintenance | wartung | mantenimiento | manutenção | manutenzione | onderhoud',
  repair: 'réparation | reparatur | reparación | reparação, conserto | riparazione | reparatie',
  report: 'signalement, rapport | meldung, bericht | informe, reporte | relatório, ocorrência | segnalazione, rapporto | melding, rapport',
  breakdown: 'panne | störung, panne | avería | avaria | guasto | storing',
  property: 'propriété, logement | immobilie | propiedad, inmueble | imóvel | immobile | woning, pand',
  rent: 'loyer | miete | alquiler | aluguel, renda | affitto, canone | huur',
  tournament: 'tournoi | turnier | torneo | torneio | torneo | toernooi',
  harvest: 'récolte | ernte | cosecha | colheita | raccolto | oogst',
  ingredient: 'ingrédient | zutat | ingrediente | ingrediente | ingrediente | ingrediënt',
  series: 'série | serie | serie | série | serie | serie',
  income: 'revenu, recette | einnahme | ingreso | receita, rendimento | entrata | inkomst',
  driver: 'chauffeur, conducteur | fahrer | conductor | motorista | autista | chauffeur, bestuurder',
  route: 'itinéraire, parcours | route, strecke | ruta | rota | percorso | route',
  package: 'colis | paket | paquete | pacote, encomenda | pacco | pakket',
  shipment: 'envoi, expédition | sendung, lieferung | envío | envio, remessa | spedizione | zending',
  attendee: 'participante | teilnehmende | asistente | participante | partecipante | deelnemer',
  workout: 'entraînement | training | entrenamiento | treino | allenamento | training',
  work_order: 'intervention | auftrag | orden de trabajo | ordem de serviço | intervento | opdracht',
  order_item: 'commande | bestellposten | pedido | pedido | ordinazione | bestelregel',
  animal: 'animal | tier | animal | animal | animale | dier',
  course_session: 'cours | kursstunde | clase | aula | lezione | les',
  volunteer_shift: 'permanence | dienst | turno | turno | turno | dienst',
  feedback: 'avis, retour | feedback, rückmeldung | opinión, comentario | opinião, feedback | feedback, parere | feedback, mening',
  suggestion:
    'suggestion, idée | vorschlag, idee | sugerencia, propuesta | sugestão, proposta | suggerimento, proposta | suggestie, voorstel',
  idea: 'idée | idee | idea | ideia | idea | idee',
  employee_absence: 'absence | abwesenheit | ausencia | ausência, falta | assenza | afwezigheid',
  resident: 'habitant, résident | bewohner, anwohner | vecino, residente | morador, residente | residente, abitante | bewoner',
  plot: 'parcelle | parzelle, beet | parcela | parcela, canteiro | orto, appezzamento | perceel, tuintje',
  wine: 'vin | wein | vino | vinho | vino | wijn',
  bottle: 'bouteille | flasche | botella | garrafa | bottiglia | fles',
  expense_claim: 'note de frais | spesenabrechnung | gasto | despesa | nota spese | declaratie',
  shop: 'boutique, magasin | laden, geschäft | tienda | loja | negozio | winkel',
  location: 'lieu | ort, standort | lugar, sede | local | luogo, sede | locatie',
  supplier_order: 'commande fournisseur | bestellung | pedido | encomenda | ordine | bestelling',
};

/** The words for "each": the noun after one is something the app keeps one record per. */
const EACH_WORDS = new Set(['chaque', 'jede', 'jeder', 'jedes', 'jeden', 'jedem', 'cada', 'ogni', 'elke', 'iedere', 'ieder']);
/** Containers whose complement names the records: "journal de", "lista de", "elenco di", "lijst van". */
const CONTAINER_OF =
  /\b(?:journal|carnet|registre|liste|suivi|annuaire|catalogue|repertoire|inventaire|diario|registro|registo|lista|control|controle|directorio|catalogo|inventario|elenco|agenda|logboek|lijst|overzicht|verzeichnis|katalog|ubersicht)\s+(?:de|des|du|d|del|de los|de las|de mis|dos|das|do|da|di|dei|delle|degli|del|della|van|van de|van het|van mijn|van onze|der|von|aller)\s+([a-z]+)/g;
/** Nouns after "each" that are a time, not a record ("chaque fois", "cada vez"). */
const NOT_RECORDS = new Set([
  'fois',
  'vez',
  'volta',
  'mal',
  'keer',
  'jour',
  'semaine',
  'mois',
  'annee',
  'an',
  'tag',
  'woche',
  'monat',
  'jahr',
  'dia',
  'semana',
  'mes',
  'ano',
  'giorno',
  'settimana',
  'mese',
  'anno',
  'dag',
  'week',
  'maand',
  'jaar',
  'uno',
  'una',
  'um',
  'uma',
  'un',
  'une',
  'een',
  'ein',
  'eine',
  'einzelne',
]);

/** Verbs that make a record of the act: "votar" gives a vote, "inschrijven" a registration. */
const VERB_RECORDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bvot(?:e|er|ent|ez|a|ar|an|am|o|are|ano|i)\b|\bstemm(?:en|t)\b|\babstimm\w*/, 'vote'],
  [/\binscri(?:re|vent|t|vez)\b|\binscrib\w+|\binscrev\w+|\biscriv\w+|\binschrijv\w+/, 'registration'],
  [/\breserv(?:er|ent|ez|ar|an|am|ieren|eert|eren)\b|\bprenot\w+|\bbuchen\b|\bboeken\b/, 'reservation'],
  [/\bempruntent\b|\bemprunter\b|\bausleihen\b|\bprestar\b|\bemprestar\b|\bprestare\b|\buitlenen\b/, 'loan'],
];

function fold(word: string): string {
  return asciiWords(word.replace(/ß/g, 'ss')).join('');
}

/** Singular forms a word may be, by the language's plural rules (folded, no accents). */
export function singularCandidates(word: string, language: ForeignLanguage): string[] {
  const w = fold(word);
  const out = [w];
  const strip = (suffix: string, add = ''): void => {
    if (w.length > suffix.length + 2 && w.endsWith(suffix)) out.push(w.slice(0, -suffix.length) + add);
  };
  switch (language) {
    case 'fr':
      strip('eaux', 'eau');
      strip('aux', 'al');
      strip('s');
      strip('x');
      break;
    case 'es':
      strip('iones', 'ion');
      strip('ces', 'z');
      strip('es');
      strip('s');
      break;
    case 'pt':
      strip('oes', 'ao');
      strip('aes', 'ao');
      strip('ns', 'm');
      strip('is', 'l');
      strip('es');
      strip('s');
      break;
    case 'it':
      strip('che', 'ca');
      strip('chi', 'co');
      strip('ghe', 'ga');
      strip('ghi', 'go');
      strip('i', 'o');
      strip('i', 'e');
      strip('i', 'io');
      strip('e', 'a');
      break;
    case 'de':
      strip('nen');
      strip('ern');
      strip('en');
      strip('er');
      strip('n');
      strip('e');
      strip('s');
      break;
    case 'nl': {
      strip('eren');
      strip("'s");
      strip('s');
      if (w.length > 4 && w.endsWith('en')) {
        const stem = w.slice(0, -2);
        out.push(stem);
        // "lessen" → "les" (a doubled consonant), "straten" → "straat" (a long vowel written once).
        if (/([b-df-hj-np-tv-z])\1$/.test(stem)) out.push(stem.slice(0, -1));
        const open = /^(.*[^aeiou])([aeiou])([b-df-hj-np-tv-z])$/.exec(stem);
        if (open) out.push(`${open[1]}${open[2]}${open[2]}${open[3]}`);
        if (stem.endsWith('v')) out.push(`${stem.slice(0, -1)}f`);
        if (stem.endsWith('z')) out.push(`${stem.slice(0, -1)}s`);
      }
      break;
    }
  }
  return [...new Set(out)];
}

/** The plural of a singular noun, by the language's most common rule; for labels only. */
export function foreignPlural(word: string, language: ForeignLanguage): string {
  switch (language) {
    case 'fr':
      return /(?:s|x|z)$/.test(word)
        ? word
        : /(?:eau|eu)$/.test(word)
          ? `${word}x`
          : /al$/.test(word)
            ? `${word.slice(0, -2)}aux`
            : `${word}s`;
    case 'es':
      return /[aeiouáéó]$/.test(word)
        ? `${word}s`
        : /z$/.test(word)
          ? `${word.slice(0, -1)}ces`
          : /ión$/.test(word)
            ? `${word.slice(0, -3)}iones`
            : `${word}es`;
    case 'pt':
      return /ão$/.test(word)
        ? `${word.slice(0, -2)}ões`
        : /[aeiou]$/.test(word)
          ? `${word}s`
          : /m$/.test(word)
            ? `${word.slice(0, -1)}ns`
            : `${word}es`;
    case 'it':
      return /[àèùì]$/.test(word) ? word : /a$/.test(word) ? `${word.slice(0, -1)}e` : /[oe]$/.test(word) ? `${word.slice(0, -1)}i` : word;
    case 'de':
      if (/e$/.test(word)) return `${word}n`;
      if (/in$/.test(word)) return `${word}nen`;
      if (/(?:ung|heit|keit|schaft|ion|ei|rt|ht|st|at)$/.test(word)) return `${word}en`;
      return /(?:er|el|en|chen|lein)$/.test(word) ? word : `${word}e`;
    case 'nl':
      return /(?:e|el|er|je)$/.test(word) ? `${word}s` : /ing$/.test(word) ? `${word}en` : `${word}en`;
  }
}

const NOUNS: ReadonlyMap<ForeignLanguage, ReadonlyMap<string, string>> = new Map(
  LANGUAGES.map((language, column) => {
    const words = new Map<string, string>();
    for (const [english, row] of Object.entries(NOUN_ROWS)) {
      const cell = row.split('|')[column] ?? '';
      for (const word of cell.split(',')) {
        const folded = fold(word.trim());
        if (folded.length > 0 && !words.has(folded)) words.set(folded, english);
      }
    }
    return [language, words];
  }),
);

export function isForeignLanguage(code: string): code is ForeignLanguage {
  return (LANGUAGES as readonly string[]).includes(code);
}

/** The English record a word of the language names ("sesiones" → "session"), or null. */
export function foreignNoun(word: string, language: ForeignLanguage): string | null {
  const table = NOUNS.get(language)!;
  for (const candidate of singularCandidates(word, language)) {
    const found = table.get(candidate);
    if (found !== undefined) return found;
  }
  return null;
}

/** A record named by the request's structure, in the user's own word. */
export interface ForeignMention {
  /** The English record when the noun table knows the word, else null (the word itself names it). */
  english: string | null;
  /** The word as written, singular where the language's rules say so ("séance"). */
  word: string;
  at: number;
}

/** Records the structure names: the noun after "each", the complement of a container, a verb's act. */
export function structuralMentions(lower: string, language: ForeignLanguage): ForeignMention[] {
  const found: ForeignMention[] = [];
  const tokens = [...lower.matchAll(/[\p{L}\p{N}'-]+/gu)];
  tokens.forEach((token, i) => {
    if (!EACH_WORDS.has(token[0])) return;
    const next = tokens[i + 1];
    if (next === undefined || NOT_RECORDS.has(fold(next[0]))) return;
    found.push(mentionOf(next[0], next.index, language));
  });
  const folded = lower.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  if (folded.length === lower.length) {
    for (const m of folded.matchAll(CONTAINER_OF)) {
      const at = m.index + m[0].length - m[1]!.length;
      const word = lower.slice(at, at + m[1]!.length);
      if (NOT_RECORDS.has(m[1]!)) continue;
      found.push(mentionOf(word, at, language));
    }
  }
  for (const [pattern, record] of VERB_RECORDS) {
    const m = pattern.exec(folded);
    if (m) found.push({ english: record, word: record, at: m.index });
  }
  return found;
}

function mentionOf(surface: string, at: number, language: ForeignLanguage): ForeignMention {
  const english = foreignNoun(surface, language);
  if (english !== null) return { english, word: surface, at };
  // The shortest candidate is the singular the rules agree on least often; the first stripped one is safest.
  const candidates = singularCandidates(surface, language);
  const singular = candidates.length > 1 ? surfaceSingular(surface, candidates[1]!) : surface;
  return { english: null, word: singular, at };
}

/** Keeps the accents of the written word while taking the folded singular's length ("séances" → "séance"). */
function surfaceSingular(surface: string, foldedSingular: string): string {
  const folded = fold(surface);
  if (foldedSingular.length <= folded.length && folded.startsWith(foldedSingular) && surface.length === folded.length)
    return surface.slice(0, foldedSingular.length);
  return foldedSingular;
}

/** Compound tails that name the container, not a record: a "Fahrtenbuch" is a log of trips, not a book. */
const CONTAINER_TAILS = new Set(['buch', 'liste', 'formular', 'verwaltung', 'boek', 'lijst', 'formulier', 'overzicht']);

/** German and Dutch compounds end in the noun that matters ("Kundenkarten", "fietsenwinkel" is a shop). */
export function foreignCompound(word: string, language: ForeignLanguage): string | null {
  if (language !== 'de' && language !== 'nl') return null;
  const w = fold(word);
  for (let i = 2; i <= w.length - 4; i += 1) {
    const tail = w.slice(i);
    if (CONTAINER_TAILS.has(tail) || singularCandidates(tail, language).some((c) => CONTAINER_TAILS.has(c))) return null;
    const found = foreignNoun(tail, language);
    if (found !== null) return found;
  }
  return null;
}
